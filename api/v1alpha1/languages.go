package v1alpha1

import "strings"

// DictionaryLanguage is the only target language of the Dictionary extractor: the built-in lexicon has
// Korean translations only. Admission rejects a VideoTask that pairs the Dictionary extractor with another
// targetLanguage (a CEL rule on VideoTaskSpec), and the runner applies DictionarySupports to its flags, so
// the two agree on what runs.
const DictionaryLanguage = "ko"

// DictionarySupports reports whether the Dictionary extractor can translate into targetLanguage: Korean,
// with or without a region or script subtag (ko, ko-KR).
func DictionarySupports(targetLanguage string) bool {
	return targetLanguage == DictionaryLanguage || strings.HasPrefix(targetLanguage, DictionaryLanguage+"-")
}
