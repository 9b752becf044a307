package expressions

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/langflix/langflix-operator/runner/failure"
	"github.com/langflix/langflix-operator/runner/subtitles"
)

func ms(n int) time.Duration { return time.Duration(n) * time.Millisecond }

func cueAt(startMS, endMS int) subtitles.Cue {
	return subtitles.Cue{Start: ms(startMS), End: ms(endMS), Text: "line"}
}

// everyFive returns n cues of 3 s, one every 5 s.
func everyFive(n int) []subtitles.Cue {
	cues := make([]subtitles.Cue, n)
	for i := range cues {
		cues[i] = cueAt(5000*i, 5000*i+3000)
		cues[i].Index = i
	}
	return cues
}

func TestContextWindow(t *testing.T) {
	defaults := Options{MinContext: 25 * time.Second, MaxContext: 45 * time.Second}
	tests := []struct {
		name               string
		cues               []subtitles.Cue
		cue                int
		opts               Options
		wantStart, wantEnd time.Duration
		wantOK             bool
	}{
		{
			name:      "isolated cue is padded evenly into the silence",
			cues:      []subtitles.Cue{cueAt(0, 2000), cueAt(100000, 102000), cueAt(300000, 302000)},
			cue:       1,
			opts:      defaults,
			wantStart: ms(88500), wantEnd: ms(113500), wantOK: true,
		},
		{
			name:      "dense dialogue grows over whole neighbouring cues, alternating sides",
			cues:      everyFive(30),
			cue:       10,
			opts:      defaults,
			wantStart: ms(35000), wantEnd: ms(63000), wantOK: true,
		},
		{
			name:      "a neighbour that would pass the maximum is not taken",
			cues:      []subtitles.Cue{cueAt(78000, 98000), cueAt(100000, 120000), cueAt(122000, 142000)},
			cue:       1,
			opts:      defaults,
			wantStart: ms(78000), wantEnd: ms(120000), wantOK: true,
		},
		{
			name:      "padding stops at a neighbouring line instead of cutting it",
			cues:      []subtitles.Cue{cueAt(50000, 99000), cueAt(100000, 102000)},
			cue:       1,
			opts:      defaults,
			wantStart: ms(99000), wantEnd: ms(113500), wantOK: true,
		},
		{
			name:      "window before the video start shifts right",
			cues:      []subtitles.Cue{cueAt(1000, 3000), cueAt(200000, 201000)},
			cue:       0,
			opts:      defaults,
			wantStart: 0, wantEnd: ms(25000), wantOK: true,
		},
		{
			name:      "window past the video end shifts left and is clamped",
			cues:      []subtitles.Cue{cueAt(95000, 98000)},
			cue:       0,
			opts:      Options{MinContext: 25 * time.Second, MaxContext: 45 * time.Second, VideoDuration: 100 * time.Second},
			wantStart: ms(75000), wantEnd: ms(100000), wantOK: true,
		},
		{
			name:      "short video clamps both ends",
			cues:      []subtitles.Cue{cueAt(2000, 4000)},
			cue:       0,
			opts:      Options{MinContext: 25 * time.Second, MaxContext: 45 * time.Second, VideoDuration: 10 * time.Second},
			wantStart: 0, wantEnd: ms(10000), wantOK: true,
		},
		{
			name:   "cue after the video end has no window",
			cues:   []subtitles.Cue{cueAt(120000, 121000)},
			cue:    0,
			opts:   Options{MinContext: 25 * time.Second, MaxContext: 45 * time.Second, VideoDuration: 100 * time.Second},
			wantOK: false,
		},
		{
			name:      "cue longer than the minimum is its own window",
			cues:      []subtitles.Cue{cueAt(0, 1000), cueAt(10000, 40000), cueAt(41000, 42000)},
			cue:       1,
			opts:      defaults,
			wantStart: ms(10000), wantEnd: ms(40000), wantOK: true,
		},
		{
			name:      "unsorted cues are ordered by time",
			cues:      []subtitles.Cue{cueAt(55000, 58000), cueAt(50000, 53000), cueAt(45000, 48000)},
			cue:       1,
			opts:      Options{MinContext: 10 * time.Second, MaxContext: 20 * time.Second},
			wantStart: ms(45000), wantEnd: ms(58000), wantOK: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start, end, ok := newTimeline(tt.cues).window(tt.cue, tt.opts)
			if ok != tt.wantOK || ok && (start != tt.wantStart || end != tt.wantEnd) {
				t.Errorf("window = %v..%v ok=%v, want %v..%v ok=%v", start, end, ok, tt.wantStart, tt.wantEnd, tt.wantOK)
			}
			if ok {
				c := tt.cues[tt.cue]
				if start > c.Start || end < min(c.End, max(tt.opts.VideoDuration, c.End)) {
					t.Errorf("window %v..%v does not contain the cue %v..%v", start, end, c.Start, c.End)
				}
			}
		})
	}
}

// cand builds a candidate for selection tests.
func cand(phrase, kind string, level Level, cue int) candidate {
	return candidate{
		entry:       Entry{Phrase: phrase, Kind: kind, Level: level, Translation: "번역", Meaning: "gloss"},
		source:      SourceDictionary,
		includeRank: -1,
		cue:         cue,
		matched:     phrase,
	}
}

func included(c candidate, rank int) candidate {
	c.source, c.includeRank = SourceInclude, rank
	return c
}

func TestSelectExpressions(t *testing.T) {
	tests := []struct {
		name  string
		cues  []subtitles.Cue
		cands []candidate
		opts  Options
		want  []string // chosen phrases in output order
	}{
		{
			name: "one expression per context window: neighbours 5 s apart compete",
			cues: everyFive(40),
			cands: []candidate{
				cand("break the ice", KindIdiom, Intermediate, 10),
				cand("give up", KindPhrasal, Intermediate, 12),
				cand("heavy rain", KindCollocation, Intermediate, 30),
			},
			opts: Options{MaxCount: 10, Level: LevelMixed},
			want: []string{"break the ice", "heavy rain"},
		},
		{
			name: "at most MaxCount, best ranked first",
			cues: everyFive(200),
			cands: []candidate{
				cand("heavy rain", KindCollocation, Intermediate, 10),
				cand("give up", KindPhrasal, Intermediate, 50),
				cand("break the ice", KindIdiom, Intermediate, 100),
				cand("on cloud nine", KindIdiom, Intermediate, 150),
			},
			opts: Options{MaxCount: 2, Level: LevelMixed},
			want: []string{"break the ice", "on cloud nine"},
		},
		{
			name: "included phrases come first, in the user's order",
			cues: everyFive(40),
			cands: []candidate{
				cand("break the ice", KindIdiom, Intermediate, 10),
				included(cand("thank you", "", "", 11), 1),
				included(cand("heavy rain", KindCollocation, Advanced, 30), 0),
				cand("on cloud nine", KindIdiom, Intermediate, 31),
			},
			opts: Options{MaxCount: 10, Level: LevelMixed},
			want: []string{"thank you", "heavy rain"},
		},
		{
			name: "included phrases at neighbouring cues share the time instead of dropping one",
			cues: everyFive(40),
			cands: []candidate{
				included(cand("thank you", "", "", 10), 0),
				cand("break the ice", KindIdiom, Intermediate, 11),
				included(cand("good night", "", "", 12), 1),
				included(cand("see you", "", "", 12), 2),
			},
			opts: Options{MaxCount: 10, Level: LevelMixed},
			// "see you" is in the same cue as "good night": one expression per context still holds.
			want: []string{"thank you", "good night"},
		},
		{
			name: "wanted level beats kind",
			cues: everyFive(40),
			cands: []candidate{
				cand("kindred spirit", KindIdiom, Advanced, 10),
				cand("sit still", KindCollocation, Beginner, 11),
			},
			opts: Options{MaxCount: 10, Level: string(Beginner)},
			want: []string{"sit still"},
		},
		{
			name: "nearer level beats farther level",
			cues: everyFive(40),
			cands: []candidate{
				cand("kindred spirit", KindIdiom, Advanced, 10),
				cand("a fool for", KindIdiom, Intermediate, 11),
			},
			opts: Options{MaxCount: 10, Level: string(Beginner)},
			want: []string{"a fool for"},
		},
		{
			name: "mixed prefers intermediate",
			cues: everyFive(40),
			cands: []candidate{
				cand("come on", KindIdiom, Beginner, 9),
				cand("kindred spirit", KindIdiom, Advanced, 10),
				cand("a fool for", KindIdiom, Intermediate, 11),
			},
			opts: Options{MaxCount: 10, Level: LevelMixed},
			want: []string{"a fool for"},
		},
		{
			name: "idioms before phrasal verbs before collocations",
			cues: everyFive(40),
			cands: []candidate{
				cand("heavy rain", KindCollocation, Intermediate, 10),
				cand("give up", KindPhrasal, Intermediate, 10),
				cand("break a leg", KindIdiom, Intermediate, 11),
			},
			opts: Options{MaxCount: 10, Level: LevelMixed},
			want: []string{"break a leg"},
		},
		{
			name: "longer phrase first",
			cues: everyFive(40),
			cands: []candidate{
				cand("make up", KindPhrasal, Intermediate, 10),
				cand("make up for", KindPhrasal, Intermediate, 10),
			},
			opts: Options{MaxCount: 10, Level: LevelMixed},
			want: []string{"make up for"},
		},
		{
			name: "a phrase is taught once",
			cues: everyFive(200),
			cands: []candidate{
				cand("come on", KindPhrasal, Beginner, 20),
				cand("come on", KindPhrasal, Beginner, 120),
			},
			opts: Options{MaxCount: 10, Level: LevelMixed},
			want: []string{"come on"},
		},
		{
			name: "output is sorted by start, not by rank",
			cues: everyFive(200),
			cands: []candidate{
				cand("heavy rain", KindCollocation, Intermediate, 10),
				cand("break the ice", KindIdiom, Intermediate, 150),
				cand("give up", KindPhrasal, Intermediate, 80),
			},
			opts: Options{MaxCount: 10, Level: LevelMixed},
			want: []string{"heavy rain", "give up", "break the ice"},
		},
		{
			name:  "nothing found",
			cues:  everyFive(3),
			opts:  Options{MaxCount: 10, Level: LevelMixed},
			cands: nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts, err := tt.opts.withDefaults()
			if err != nil {
				t.Fatal(err)
			}
			got := selectExpressions(tt.cues, tt.cands, opts)
			var phrases []string
			for _, e := range got {
				phrases = append(phrases, e.Phrase)
			}
			if diff := cmp.Diff(tt.want, phrases); diff != "" {
				t.Errorf("chosen phrases (-want +got):\n%s", diff)
			}
			checkSelectionInvariants(t, tt.cues, got, opts)
		})
	}
}

// checkSelectionInvariants asserts what every selection must satisfy.
func checkSelectionInvariants(t *testing.T, cues []subtitles.Cue, got []Expression, opts Options) {
	t.Helper()
	if len(got) > opts.MaxCount {
		t.Errorf("%d expressions, max %d", len(got), opts.MaxCount)
	}
	for i, e := range got {
		c := cues[e.CueIndex]
		if e.Start != c.Start || e.End != c.End || e.Dialogue != c.Text {
			t.Errorf("%q: clip %v..%v %q does not match cue %d %v..%v %q", e.Phrase, e.Start, e.End, e.Dialogue,
				e.CueIndex, c.Start, c.End, c.Text)
		}
		if e.ContextStart > e.Start || e.ContextEnd < e.End && (opts.VideoDuration == 0 || e.ContextEnd < opts.VideoDuration) {
			t.Errorf("%q: context %v..%v does not contain its cue %v..%v", e.Phrase, e.ContextStart, e.ContextEnd, e.Start, e.End)
		}
		if e.ContextStart < 0 || opts.VideoDuration > 0 && e.ContextEnd > opts.VideoDuration {
			t.Errorf("%q: context %v..%v outside the video", e.Phrase, e.ContextStart, e.ContextEnd)
		}
		if e.ContextEnd-e.ContextStart > max(opts.MaxContext, e.End-e.Start) {
			t.Errorf("%q: context %v longer than %v", e.Phrase, e.ContextEnd-e.ContextStart, opts.MaxContext)
		}
		if i > 0 {
			prev := got[i-1]
			if prev.Start > e.Start {
				t.Errorf("not sorted by start: %v before %v", prev.Start, e.Start)
			}
		}
		for _, o := range got[:i] {
			if e.ContextStart < o.ContextEnd && o.ContextStart < e.ContextEnd {
				t.Errorf("contexts overlap: %q %v..%v and %q %v..%v", o.Phrase, o.ContextStart, o.ContextEnd,
					e.Phrase, e.ContextStart, e.ContextEnd)
			}
		}
	}
}

func TestOptionsWithDefaults(t *testing.T) {
	got, err := Options{}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	want := Options{MaxCount: DefaultMaxCount, TargetLanguage: DefaultTargetLanguage, Level: LevelMixed, MinContext: 25 * time.Second, MaxContext: 45 * time.Second}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("defaults (-want +got):\n%s", diff)
	}
	if got, _ := (Options{MinContext: time.Minute}).withDefaults(); got.MaxContext != time.Minute {
		t.Errorf("MaxContext defaults below a larger MinContext: %v", got.MaxContext)
	}
	if got, _ := (Options{Level: " Beginner "}).withDefaults(); got.Level != "beginner" {
		t.Errorf("level not normalised: %q", got.Level)
	}

	for _, bad := range []Options{
		{MaxCount: 51}, {MaxCount: -1}, {Level: "expert"},
		{MinContext: 30 * time.Second, MaxContext: 20 * time.Second}, {MinContext: -time.Second},
		{VideoDuration: -time.Second},
	} {
		if _, err := bad.withDefaults(); !failure.IsInvalid(err) {
			t.Errorf("%+v: error %v, want invalid input", bad, err)
		}
	}
}
