package expressions

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/langflix/langflix-operator/runner/failure"
	"github.com/langflix/langflix-operator/runner/subtitles"
)

// TestDictionarySintelEveryCue uses windows shorter than Sintel's cues, so every cue can hold its own
// expression and the result shows everything the lexicon finds in the film.
func TestDictionarySintelEveryCue(t *testing.T) {
	cues := sintelCues(t)
	opts := Options{MaxCount: 50, MinContext: time.Second, MaxContext: 3 * time.Second}
	got, err := NewDictionary().Extract(context.Background(), cues, opts)
	if err != nil {
		t.Fatal(err)
	}
	byPhrase := map[string]Expression{}
	for _, e := range got {
		byPhrase[e.Phrase] = e
		t.Logf("cue %2d %-28q as %-28q %s %s: %s", e.CueIndex, e.Phrase, e.Matched, e.Level, e.Kind, e.Translation)
	}
	want := []struct{ phrase, matched, dialogue string }{
		{"a dark past", "a dark past", "This blade has a dark past."},
		{"shed blood", "shed much innocent blood", "It has shed much innocent blood."},
		{"a fool for", "a fool for", "You're a fool for traveling alone, so completely unprepared."},
		{"kindred spirit", "kindred spirit", "Someone very dear? A kindred spirit?"},
		{"closer than you know", "closer than you know", "You are closer than you know."},
		{"as long as I can remember", "as long as I can remember", "I've been alone for as long as I can remember."},
		{"what brings you", "What brings you", "What brings you to the land of the gatekeepers?"},
		{"search for", "searching for", "I'm searching for someone."},
		{"fail to see", "failed to see", "You've only failed to see..."},
		{"sit still", "sit still", "Hey, sit still."},
	}
	for _, w := range want {
		e, ok := byPhrase[w.phrase]
		if !ok {
			t.Errorf("%q not found", w.phrase)
			continue
		}
		if e.Matched != w.matched || e.Dialogue != w.dialogue {
			t.Errorf("%q: matched %q in %q, want %q in %q", w.phrase, e.Matched, e.Dialogue, w.matched, w.dialogue)
		}
	}
	assertTeacherGrade(t, cues, got)
	checkSelectionInvariants(t, cues, got, mustDefaults(t, opts))
}

// assertTeacherGrade checks what a teacher would reject: unknown or junk phrases, missing translations, a
// match that is not in the dialogue, or the same phrase twice.
func assertTeacherGrade(t *testing.T, cues []subtitles.Cue, got []Expression) {
	t.Helper()
	known := map[string]bool{}
	for _, e := range Lexicon() {
		known[e.Phrase] = true
	}
	seen := map[string]bool{}
	for _, e := range got {
		switch {
		case !known[e.Phrase]:
			t.Errorf("%q is not a lexicon phrase", e.Phrase)
		case !hasContentWord(e.Phrase):
			t.Errorf("%q is only function words", e.Phrase)
		case !containsHangul(e.Translation) || e.Meaning == "" || !validLevel(e.Level) || e.Kind == "":
			t.Errorf("%q: incomplete entry %+v", e.Phrase, e)
		case e.Source != SourceDictionary:
			t.Errorf("%q: source %q", e.Phrase, e.Source)
		case !strings.Contains(strings.ToLower(cues[e.CueIndex].Text), strings.ToLower(e.Matched)):
			t.Errorf("%q: matched text %q is not in cue %q", e.Phrase, e.Matched, cues[e.CueIndex].Text)
		case seen[e.Phrase]:
			t.Errorf("%q chosen twice", e.Phrase)
		}
		seen[e.Phrase] = true
	}
}

func mustDefaults(t *testing.T, o Options) Options {
	t.Helper()
	o, err := o.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// TestDictionarySintelDefaults runs the production settings: 25-45 s windows that may not overlap, so the
// dense opening (twelve lines in 48 s) yields one expression, not twelve.
func TestDictionarySintelDefaults(t *testing.T) {
	cues := sintelCues(t)
	opts := Options{VideoDuration: 14*time.Minute + 48*time.Second}
	got, err := NewDictionary().Extract(context.Background(), cues, opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) < 3 {
		t.Fatalf("only %d expressions with default windows: %+v", len(got), got)
	}
	for _, e := range got {
		t.Logf("cue %2d %-28q context %v..%v (%v)", e.CueIndex, e.Phrase, e.ContextStart, e.ContextEnd, e.ContextEnd-e.ContextStart)
		if d := e.ContextEnd - e.ContextStart; d < 25*time.Second || d > 45*time.Second {
			t.Errorf("%q: context of %v, want 25-45 s (Sintel's neighbours leave room)", e.Phrase, d)
		}
	}
	assertTeacherGrade(t, cues, got)
	checkSelectionInvariants(t, cues, got, mustDefaults(t, opts))

	// The last lines of the opening can only be taught if the video is long enough to hold their window.
	short := Options{VideoDuration: 8*time.Minute + 12*time.Second}
	clamped, err := NewDictionary().Extract(context.Background(), cues, short)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range clamped {
		if e.ContextEnd > short.VideoDuration {
			t.Errorf("%q: context ends at %v, after the video", e.Phrase, e.ContextEnd)
		}
	}
	checkSelectionInvariants(t, cues, clamped, mustDefaults(t, short))
}

func TestDictionaryLevels(t *testing.T) {
	cues := sintelCues(t)
	for _, level := range []Level{Beginner, Intermediate, Advanced} {
		got, err := NewDictionary().Extract(context.Background(), cues, Options{Level: string(level), MaxCount: 1})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].Level != level {
			t.Errorf("level %s: got %+v, want one %s expression", level, got, level)
		}
	}
}

func TestDictionaryInclude(t *testing.T) {
	cues := sintelCues(t)
	opts := Options{
		MaxCount: 3,
		// "Thank you" is not in the lexicon; "Shed Blood" is, in another spelling; "good night" is said once.
		Include: []string{"Thank you", "  Shed   Blood ", "good night", "never said in the film", ""},
	}
	got, err := NewDictionary().Extract(context.Background(), cues, opts)
	if err != nil {
		t.Fatal(err)
	}
	var phrases []string
	for _, e := range got {
		phrases = append(phrases, e.Phrase)
		if e.Source != SourceInclude {
			t.Errorf("%q: source %q, want include", e.Phrase, e.Source)
		}
	}
	slices.Sort(phrases)
	if want := []string{"Thank you", "good night", "shed blood"}; !slices.Equal(phrases, want) {
		t.Fatalf("phrases %q, want %q", phrases, want)
	}
	for _, e := range got {
		switch e.Phrase {
		case "Thank you":
			if e.Translation != "" || e.Level != "" || e.Matched != "Thank you" {
				t.Errorf("unknown include should have no translation or level: %+v", e)
			}
		case "shed blood":
			if !containsHangul(e.Translation) || e.Matched != "shed much innocent blood" {
				t.Errorf("lexicon include should keep the lexicon entry: %+v", e)
			}
		}
	}
}

func TestDictionaryRejects(t *testing.T) {
	if _, err := NewDictionary().Extract(context.Background(), nil, Options{}); !failure.IsInvalid(err) {
		t.Errorf("no cues: error %v, want invalid input", err)
	}
	if _, err := NewDictionary().Extract(context.Background(), sintelCues(t), Options{MaxCount: 99}); !failure.IsInvalid(err) {
		t.Errorf("max count 99: error %v, want invalid input", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := NewDictionary().Extract(ctx, sintelCues(t), Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: error %v, want context.Canceled", err)
	}
}

func BenchmarkDictionaryExtract2000Cues(b *testing.B) {
	cues := generatedCues(loadLexicon(), 2000)
	ex := NewDictionary()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ex.Extract(context.Background(), cues, Options{MaxCount: 50}); err != nil {
			b.Fatal(err)
		}
	}
}

// The dictionary's translations are Korean; asked for another language it refuses as invalid input, as
// admission does for a VideoTask, instead of handing Korean to learners of something else.
func TestDictionaryHasKoreanOnly(t *testing.T) {
	cues := []subtitles.Cue{{Index: 1, Start: 0, End: 2 * time.Second, Text: "Let me break the ice."}}
	for _, lang := range []string{"", "ko", "ko-KR"} {
		if _, err := NewDictionary().Extract(context.Background(), cues, Options{TargetLanguage: lang}); err != nil {
			t.Errorf("target %q: %v", lang, err)
		}
	}
	for _, lang := range []string{"ja", "en", "kok"} {
		_, err := NewDictionary().Extract(context.Background(), cues, Options{TargetLanguage: lang})
		if !failure.IsInvalid(err) || !strings.Contains(err.Error(), "Korean") {
			t.Errorf("target %q: error %v, want invalid input naming Korean", lang, err)
		}
	}
}
