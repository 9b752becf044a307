package pipeline_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	runnerv1 "github.com/langflix/langflix-operator/api/runner/v1alpha1"
	"github.com/langflix/langflix-operator/runner/cli"
	"github.com/langflix/langflix-operator/runner/failure"
	"github.com/langflix/langflix-operator/runner/manifest"
	"github.com/langflix/langflix-operator/runner/pipeline"
)

// frame is one frame of the 25 fps lesson layout: cut points snap to it.
const frame = 40 * time.Millisecond

// expected expressions of the idiom video: the cue each one is said in.
var idiomExpectations = []struct {
	phrase, matched string
	cue             int
	translation     string
}{
	{"break the ice", "break the ice", 2, "어색한 분위기를 깨다"},
	{"once in a blue moon", "once in a blue moon", 7, "아주 드물게"},
	{"pick up", "pick it up", 12, "집어 들다"},
}

func TestVideoEndToEnd(t *testing.T) {
	skipInShortMode(t)
	video := testVideo(t, 2*time.Minute, 640, 360, 25)
	english, korean := idiomSubtitles(t)
	out := filepath.Join(t.TempDir(), "lesson")
	t.Setenv("LANGFLIX_TASK_KIND", "VideoTask")
	t.Setenv("LANGFLIX_TASK_NAME", "idioms")
	t.Setenv("LANGFLIX_TASK_NAMESPACE", "films")

	run := runCLI(t, "", "video", "--video", video, "--subtitles", english, "--translation-subtitles", korean,
		"--out", out, "--shorts", "--combined", "--progress", "plain")
	if run.err != nil {
		t.Fatalf("video: %v\nstderr:\n%s", run.err, run.stderr)
	}
	m, err := manifest.Read(filepath.Join(out, manifest.FileName))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d expressions %v, stages %+v", len(m.Expressions), phrases(m.Expressions), m.Stages)

	t.Run("manifest header", func(t *testing.T) {
		if m.RunnerVersion == "" || m.Command != "video" || m.Status != manifest.Complete || m.Reason != "" {
			t.Errorf("header: version %q command %q status %q reason %q", m.RunnerVersion, m.Command, m.Status, m.Reason)
		}
		if m.Task == nil || *m.Task != (manifest.Task{Kind: "VideoTask", Name: "idioms", Namespace: "films"}) {
			t.Errorf("task %+v", m.Task)
		}
		if !m.StartedAt.Before(m.FinishedAt) {
			t.Errorf("started %v, finished %v", m.StartedAt, m.FinishedAt)
		}
		o := m.Options
		if o.Language != "en" || o.TargetLanguage != "ko" || o.MaxExpressions != 5 || o.Level != "mixed" ||
			o.Extractor != "dictionary" || !o.EducationalVideo || !o.Shorts || !o.Slides || !o.Combined || o.Repeat != 3 || o.Font == "" ||
			o.Subtitles != "dual" || o.ShortsSubtitles != "dual" {
			t.Errorf("options %+v", o)
		}
		var stages []string
		for _, s := range m.Stages {
			stages = append(stages, s.Name)
			if s.DurationMS < 0 {
				t.Errorf("stage %s took %d ms", s.Name, s.DurationMS)
			}
		}
		want := []string{"probe", "subtitles", "expressions", "translation", "clips", "slides", "videos", "combined", "shorts"}
		if !slices.Equal(stages, want) {
			t.Errorf("stages %v, want %v", stages, want)
		}
	})

	t.Run("inputs", func(t *testing.T) {
		v := m.Inputs.Video
		data, _ := os.ReadFile(video)
		sum := sha256.Sum256(data)
		if v == nil || v.Path != video || v.Size != int64(len(data)) || v.SHA256 != hex.EncodeToString(sum[:]) || v.Duration < 119.9 || v.Duration > 120.1 {
			t.Fatalf("video input %+v", v)
		}
		s := m.Inputs.Subtitles
		if s == nil || s.Path != english || s.Format != "srt" || s.Encoding != "utf-8" || s.Cues != len(idiomCues) || len(s.SHA256) != 64 || s.Embedded {
			t.Errorf("subtitle input %+v", s)
		}
		k := m.Inputs.TranslationSubtitles
		if k == nil || k.Path != korean || k.Format != "srt" || k.Cues != len(idiomCues) {
			t.Errorf("translation input %+v", k)
		}
	})

	t.Run("expressions", func(t *testing.T) {
		if n := len(m.Expressions); n < len(idiomExpectations) || n > 5 {
			t.Fatalf("%d expressions, want the %d idioms and at most 5", n, len(idiomExpectations))
		}
		for i, e := range m.Expressions {
			if e.Index != i+1 {
				t.Errorf("expression %d has index %d", i+1, e.Index)
			}
			if i > 0 && e.Start < m.Expressions[i-1].Start {
				t.Errorf("expressions are not in time order")
			}
		}
		for _, want := range idiomExpectations {
			i := slices.IndexFunc(m.Expressions, func(e manifest.Expression) bool { return e.Phrase == want.phrase })
			if i < 0 {
				t.Errorf("%q not found among %v", want.phrase, phrases(m.Expressions))
				continue
			}
			e, c := m.Expressions[i], idiomCues[want.cue]
			if !strings.EqualFold(e.Matched, want.matched) || e.CueIndex != want.cue || e.Dialogue != c.text ||
				e.DialogueTranslation != idiomCuesKorean[want.cue] || !strings.Contains(e.Translation, want.translation) ||
				e.Meaning == "" || e.Level == "" || e.Kind == "" || len(e.Similar) == 0 || e.Source != "dictionary" {
				t.Errorf("%q: %+v", want.phrase, e)
			}
			if e.Start != c.start.Seconds() || e.End != c.end.Seconds() {
				t.Errorf("%q at %v-%v s, want the cue's %v-%v", want.phrase, e.Start, e.End, c.start.Seconds(), c.end.Seconds())
			}
			if !(e.ContextStart <= e.Start && e.End <= e.ContextEnd && e.ContextStart >= 0 && e.ContextEnd <= 120) {
				t.Errorf("%q: context %v-%v does not hold the cue %v-%v", want.phrase, e.ContextStart, e.ContextEnd, e.Start, e.End)
			}
			slug := strconv.Itoa(e.Index)
			if len(slug) == 1 {
				slug = "0" + slug
			}
			slug += "_" + pipeline.Slug(e.Phrase)
			wantFiles := manifest.Files{ContextClip: "clips/" + slug + "_context.mp4", ExpressionClip: "clips/" + slug + "_expression.mp4",
				Slide: "slides/" + slug + ".png", Video: "videos/" + slug + ".mp4", Short: "shorts/" + slug + ".mp4"}
			if e.Files != wantFiles {
				t.Errorf("%q files %+v, want %+v", want.phrase, e.Files, wantFiles)
			}
			wantModes := manifest.SubtitleModes{ContextClip: "dual", ExpressionClip: "dual", Video: "dual", Short: "dual"}
			if e.Subtitles == nil || *e.Subtitles != wantModes {
				t.Errorf("%q subtitle modes %+v, want %+v", want.phrase, e.Subtitles, wantModes)
			}
		}
	})

	t.Run("clips", func(t *testing.T) {
		for _, e := range m.Expressions {
			ctx := videoDuration(t, filepath.Join(out, e.Files.ContextClip))
			wantCtx := seconds(e.ContextEnd - e.ContextStart)
			if !near(ctx, wantCtx, frame) {
				t.Errorf("%s: %v, want %v within a frame", e.Files.ContextClip, ctx, wantCtx)
			}
			expr := videoDuration(t, filepath.Join(out, e.Files.ExpressionClip))
			wantExpr := min(seconds(e.End)+pipeline.ClipPadding, 2*time.Minute) - max(seconds(e.Start)-pipeline.ClipPadding, 0)
			if !near(expr, wantExpr, frame) {
				t.Errorf("%s: %v, want %v (cue + padding) within a frame", e.Files.ExpressionClip, expr, wantExpr)
			}
			assertLessonLayout(t, filepath.Join(out, e.Files.ContextClip), 1280, 720)
		}
	})

	t.Run("slides videos shorts", func(t *testing.T) {
		for _, e := range m.Expressions {
			assertPNGSize(t, filepath.Join(out, e.Files.Slide), 1280, 720)
			assertLessonLayout(t, filepath.Join(out, e.Files.Video), 1280, 720)
			assertLessonLayout(t, filepath.Join(out, e.Files.Short), 1080, 1920)
			// The lesson video holds the context clip, a slide and the repeated expression clip.
			ctx := seconds(e.ContextEnd - e.ContextStart)
			expr := videoDuration(t, filepath.Join(out, e.Files.ExpressionClip))
			if got := videoDuration(t, filepath.Join(out, e.Files.Video)); got < ctx+3*expr {
				t.Errorf("%s is %v, shorter than context %v + 3 x expression %v", e.Files.Video, got, ctx, expr)
			}
		}
		if m.Combined != "videos/combined.mp4" || m.CombinedSubtitles != "dual" {
			t.Fatalf("combined %q with subtitles %q", m.Combined, m.CombinedSubtitles)
		}
		combined := filepath.Join(out, m.Combined)
		assertLessonLayout(t, combined, 1280, 720)
		var sum time.Duration
		for _, e := range m.Expressions {
			sum += videoDuration(t, filepath.Join(out, e.Files.Video))
		}
		if got := videoDuration(t, combined); !near(got, sum, time.Duration(len(m.Expressions))*frame) {
			t.Errorf("combined video %v, want the sum of the lesson videos %v", got, sum)
		}
	})

	t.Run("output folder holds exactly the manifest's files", func(t *testing.T) {
		want := []string{manifest.FileName, m.Combined}
		for _, e := range m.Expressions {
			want = append(want, e.Files.ContextClip, e.Files.ExpressionClip, e.Files.Slide, e.Files.Video, e.Files.Short)
		}
		got := listFiles(t, out)
		slices.Sort(want)
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("files %v, want %v", got, want)
		}
		assertNoLeftovers(t, out)
	})

	t.Run("termination message", func(t *testing.T) {
		n := int32(len(m.Expressions))
		want := runnerv1.TerminationMessage{Reason: runnerv1.ReasonCompleted, Expressions: n, Manifest: filepath.Join(out, manifest.FileName),
			Outputs: &runnerv1.Outputs{Clips: 2 * n, Slides: n, Videos: n + 1, Shorts: n}}
		got := run.termination
		got.Message = ""
		if !reflect.DeepEqual(got, want) || run.termination.Message == "" || len(run.termRaw) >= runnerv1.MaxTerminationMessageBytes {
			t.Errorf("termination %s, want %+v", run.termRaw, want)
		}
	})

	t.Run("progress", func(t *testing.T) {
		line := regexp.MustCompile(`^progress +(\d+)% (\S+)`)
		last, seen := -1, map[string]bool{}
		for _, l := range strings.Split(strings.TrimSpace(run.stdout), "\n") {
			mm := line.FindStringSubmatch(l)
			if mm == nil {
				t.Fatalf("unexpected progress line %q", l)
			}
			p, _ := strconv.Atoi(mm[1])
			if p < last {
				t.Errorf("progress went back from %d%% to %d%% at %q", last, p, l)
			}
			last, seen[mm[2]] = p, true
		}
		if last != 100 {
			t.Errorf("progress ended at %d%%", last)
		}
		for _, stage := range []string{"probe", "subtitles", "expressions", "translation", "clips", "slides", "videos", "combined", "shorts", "manifest", "done"} {
			if !seen[stage] {
				t.Errorf("no progress for stage %s", stage)
			}
		}
	})
}

func TestSoftLimitKeepsFinishedExpressions(t *testing.T) {
	video := testVideo(t, 2*time.Minute, 640, 360, 25)
	english, _ := idiomSubtitles(t)
	out := filepath.Join(t.TempDir(), "partial")
	cfg := dictionaryConfig(t, video, english, out)
	// Short context windows keep the test fast; they change nothing about the deadline logic.
	cfg.Expressions.MinContext, cfg.Expressions.MaxContext = 6*time.Second, 10*time.Second
	var d *pipeline.Deadline
	cfg.OnExpressionFinished = func(n int) {
		// The soft limit "passes" exactly when the first expression is complete.
		if n == 1 {
			d.Expire()
		}
	}
	d = pipeline.NewDeadline(t.Context(), time.Now(), 0)
	res, err := pipeline.RunVideo(d, cfg)
	if failure.ReasonOf(err) != failure.SoftTimeLimitExceeded || failure.ExitCode(err) != 3 {
		t.Fatalf("err %v (reason %s), want a soft time limit", err, failure.ReasonOf(err))
	}
	m, rerr := manifest.Read(filepath.Join(out, manifest.FileName))
	if rerr != nil {
		t.Fatal(rerr)
	}
	if m.Status != manifest.Partial || m.Reason != string(failure.SoftTimeLimitExceeded) || !strings.Contains(m.Message, "soft time limit") {
		t.Errorf("status %q reason %q message %q", m.Status, m.Reason, m.Message)
	}
	if len(m.Expressions) != 1 || m.Expressions[0].Phrase != "break the ice" {
		t.Fatalf("kept %v, want only the first expression", phrases(m.Expressions))
	}
	f := m.Expressions[0].Files
	want := []string{manifest.FileName, f.ContextClip, f.ExpressionClip, f.Slide, f.Video}
	got := listFiles(t, out)
	slices.Sort(want)
	slices.Sort(got)
	if !slices.Equal(got, want) || f.Video == "" {
		t.Errorf("output files %v, want exactly %v", got, want)
	}
	assertLessonLayout(t, filepath.Join(out, f.Video), 1280, 720)
	assertNoLeftovers(t, out)
	term := res.Termination(err)
	if !term.Partial || term.Expressions != 1 || term.Reason != runnerv1.ReasonSoftTimeLimitExceeded ||
		*term.Outputs != (runnerv1.Outputs{Clips: 2, Slides: 1, Videos: 1}) {
		t.Errorf("termination %+v", term)
	}
}

func phrases(exprs []manifest.Expression) []string {
	var p []string
	for _, e := range exprs {
		p = append(p, e.Phrase)
	}
	return p
}

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

// TestSoftLimitFromEnvironmentThroughTheCommandLine: the limit counts from process start, so a process
// that started an hour ago with a 30-minute limit stops before any work and still leaves a valid partial
// manifest and exit code 3.
func TestSoftLimitFromEnvironmentThroughTheCommandLine(t *testing.T) {
	video := testVideo(t, 2*time.Minute, 640, 360, 25)
	english, _ := idiomSubtitles(t)
	dir := t.TempDir()
	out, termLog := filepath.Join(dir, "out"), filepath.Join(dir, "termination-log")
	t.Setenv("LANGFLIX_SOFT_TIME_LIMIT", "30m")
	t.Setenv("LANGFLIX_TERMINATION_LOG", termLog)
	var stdout, stderr bytes.Buffer
	err := cli.Run(t.Context(), []string{"video", "--video", video, "--subtitles", english, "--out", out, "--progress", "none"},
		cli.Env{Stdout: &stdout, Stderr: &stderr, Start: time.Now().Add(-time.Hour)})
	if failure.ExitCode(err) != 3 {
		t.Fatalf("exit %d (%v), want 3\n%s", failure.ExitCode(err), err, stderr.String())
	}
	m, rerr := manifest.Read(filepath.Join(out, manifest.FileName))
	if rerr != nil {
		t.Fatal(rerr)
	}
	if m.Status != manifest.Partial || m.Reason != "SoftTimeLimitExceeded" || len(m.Expressions) != 0 || m.Options.SoftTimeLimit != "30m0s" {
		t.Errorf("manifest status %q reason %q expressions %d limit %q", m.Status, m.Reason, len(m.Expressions), m.Options.SoftTimeLimit)
	}
	var term runnerv1.TerminationMessage
	readJSON(t, termLog, &term)
	if term.Reason != runnerv1.ReasonSoftTimeLimitExceeded || !term.Partial || term.Manifest != filepath.Join(out, manifest.FileName) {
		t.Errorf("termination %+v", term)
	}
	if files := listFiles(t, out); !slices.Equal(files, []string{manifest.FileName}) {
		t.Errorf("files %v", files)
	}
}
