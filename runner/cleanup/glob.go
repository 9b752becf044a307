package cleanup

import (
	"fmt"
	"path"
	"strings"
)

// pattern is a compiled glob: its slash-separated elements, where "**" stands for any number (including
// zero) of path elements and every other element is matched with path.Match.
type pattern struct {
	source string
	elems  []string
}

// compilePatterns checks the syntax of every glob up front, so that a typo fails the run instead of
// silently matching nothing.
func compilePatterns(globs []string) ([]pattern, error) {
	out := make([]pattern, 0, len(globs))
	for _, g := range globs {
		p, err := compilePattern(g)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

func compilePattern(glob string) (pattern, error) {
	trimmed := strings.Trim(glob, "/")
	if trimmed == "" {
		return pattern{}, fmt.Errorf("empty glob %q", glob)
	}
	elems := strings.Split(trimmed, "/")
	for _, e := range elems {
		if e == "**" {
			continue
		}
		if _, err := path.Match(e, ""); err != nil {
			return pattern{}, fmt.Errorf("glob %q: %w", glob, err)
		}
	}
	return pattern{source: glob, elems: elems}, nil
}

// match reports whether the slash-separated relative path rel matches the pattern.
func (p pattern) match(rel string) bool {
	return matchElems(p.elems, strings.Split(rel, "/"))
}

// matchElems matches pattern elements against path elements. "**" first tries to match nothing and then
// to swallow one more path element; patterns are short, so the backtracking stays cheap.
func matchElems(pat, name []string) bool {
	for len(pat) > 0 {
		if pat[0] == "**" {
			// Collapse consecutive "**": they mean the same as one.
			for len(pat) > 1 && pat[1] == "**" {
				pat = pat[1:]
			}
			if len(pat) == 1 {
				return true
			}
			for i := 0; i <= len(name); i++ {
				if matchElems(pat[1:], name[i:]) {
					return true
				}
			}
			return false
		}
		if len(name) == 0 {
			return false
		}
		// The syntax was checked in compilePattern, so the error can only be nil here.
		if ok, _ := path.Match(pat[0], name[0]); !ok {
			return false
		}
		pat, name = pat[1:], name[1:]
	}
	return len(name) == 0
}

// matchAny reports whether rel matches any of the patterns.
func matchAny(patterns []pattern, rel string) bool {
	for _, p := range patterns {
		if p.match(rel) {
			return true
		}
	}
	return false
}
