package runnerv1alpha1_test

import (
	"flag"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/spf13/pflag"

	runnerv1 "github.com/langflix/langflix-operator/api/runner/v1alpha1"
	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
	"github.com/langflix/langflix-operator/test/testutil"
)

// Both flag packages the runner could use must satisfy the binder.
var (
	_ runnerv1.FlagBinder = (*pflag.FlagSet)(nil)
	_ runnerv1.FlagBinder = (*flag.FlagSet)(nil)
)

// env turns rendered environment variables into the lookup the runner gets, resolving Secret references
// the way the kubelet would.
func env(vars []runnerv1.EnvVar, secrets map[string]string) func(string) string {
	m := map[string]string{}
	for _, v := range vars {
		if v.SecretKeyRef != nil {
			m[v.Name] = secrets[v.SecretKeyRef.Name+"/"+v.SecretKeyRef.Key]
			continue
		}
		m[v.Name] = v.Value
	}
	return func(name string) string { return m[name] }
}

// flagParser is a flag set the runner could bind to, with the Parse of its package.
type flagParser struct {
	name string
	new  func() (runnerv1.FlagBinder, func([]string) error)
}

var parsers = []flagParser{
	{"pflag", func() (runnerv1.FlagBinder, func([]string) error) {
		fs := pflag.NewFlagSet("runner", pflag.ContinueOnError)
		fs.SetOutput(io.Discard)
		return fs, fs.Parse
	}},
	{"flag", func() (runnerv1.FlagBinder, func([]string) error) {
		fs := flag.NewFlagSet("runner", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		return fs, fs.Parse
	}},
}

// parseVideo is the runner's side: bind the flags, parse the operator's arguments, read the environment.
func parseVideo(t *testing.T, p flagParser, args []string, getenv func(string) string) runnerv1.VideoOptions {
	t.Helper()
	if len(args) == 0 || args[0] != runnerv1.CommandVideo {
		t.Fatalf("args %q do not start with the %q command", args, runnerv1.CommandVideo)
	}
	var got runnerv1.VideoOptions
	fs, parse := p.new()
	got.Bind(fs)
	if err := parse(args[1:]); err != nil {
		t.Fatalf("%s: parse %q: %v", p.name, args, err)
	}
	if err := got.ApplyEnv(getenv); err != nil {
		t.Fatalf("%s: ApplyEnv: %v", p.name, err)
	}
	return got
}

func TestVideoOptionsRoundTrip(t *testing.T) {
	base := func() *testutil.VideoTaskWrapper { return testutil.MakeVideoTask("episode-1", "lessons") }
	secrets := map[string]string{"llm/key": "sk-test", "redis/url": "redis://:p@ss=word@redis:6379/0"}
	cases := map[string]struct {
		task *tasksv1.VideoTask
		// cacheEnv is what the operator adds from its configuration, not the spec: the cache by Secret
		// reference; wantRedisURL and wantScope are what the runner must make of it.
		cacheEnv                               []runnerv1.EnvVar
		wantRedisURL, wantScope, wantStorageID string
		// wantKey is the LLM API key the runner must end up with.
		wantKey string
	}{
		"defaults":                {task: base().Obj()},
		"unicode include phrases": {task: base().Include("kindred spirit", "어색한 분위기를 깨다", "naïve café", "🙂 smile").Obj()},
		"equals signs, spaces and dashes in values": {task: base().
			Video("input/a=b c/ep 1.mkv").Subtitles("input/--subs=x.srt").TranslationSubtitles("input/ko subs.srt").
			Include("a=b", " leading and trailing ", "--not-a-flag", "-x", "").Output("out/a=b/").Obj()},
		"empty optionals":  {task: base().Subtitles("").Obj()},
		"every output off": {task: base().EducationalVideo(tasksv1.EducationalVideoNone).Shorts(tasksv1.ShortsNone).SlideImages(tasksv1.SlideImagesNone).Obj()},
		"every output on": {task: base().EducationalVideo(tasksv1.EducationalVideoPerExpressionAndCombined).
			Shorts(tasksv1.ShortsVertical).SlideImages(tasksv1.SlideImagesPNG).RepeatCount(10).Obj()},
		"subtitle modes": {task: base().Shorts(tasksv1.ShortsVertical).SubtitleModes(tasksv1.SubtitleNone, tasksv1.SubtitleOriginal).Obj()},
		"maximum count, advanced, longest limits": {task: base().MaxCount(50).Level(tasksv1.LevelAdvanced).TimeLimits(86399, 86400).Obj()},
		"llm on with key": {
			task:    base().Extractor(tasksv1.ExtractorLLM).LLM("https://llm.example/v1?a=b&c=d", "gpt-4o-mini").APIKeySecret("llm", "key").TargetLanguage("ja").Obj(),
			wantKey: "sk-test",
		},
		"llm on without key": {task: base().Extractor(tasksv1.ExtractorLLM).LLM("http://127.0.0.1:8080/v1", "local model").Obj()},
		"llm settings left from a switch back to the dictionary are not passed": {
			task: base().Extractor(tasksv1.ExtractorLLM).LLM("http://127.0.0.1/v1", "m").APIKeySecret("llm", "key").Extractor(tasksv1.ExtractorDictionary).Obj(),
		},
		"redis from the operator's configuration, by Secret reference": {task: base().Obj(),
			cacheEnv: []runnerv1.EnvVar{
				{Name: runnerv1.EnvRedisURL, SecretKeyRef: &tasksv1.SecretKeyRef{Name: "redis", Key: "url"}},
				{Name: runnerv1.EnvCacheScope, Value: "lessons"},
				{Name: runnerv1.EnvStorageID, Value: "pvc/lessons/media"},
			},
			wantRedisURL: "redis://:p@ss=word@redis:6379/0", wantScope: "lessons", wantStorageID: "pvc/lessons/media"},
	}
	for name, tc := range cases {
		for _, p := range parsers {
			t.Run(name+"/"+p.name, func(t *testing.T) {
				want := runnerv1.VideoOptionsFromSpec(tc.task)
				rendered := want.Env()
				for _, v := range rendered {
					if v.Name == runnerv1.EnvRedisURL && v.SecretKeyRef == nil {
						t.Errorf("the Redis URL is rendered as a value")
					}
				}
				got := parseVideo(t, p, want.Args(), env(append(rendered, tc.cacheEnv...), secrets))
				want.RedisURL, want.CacheScope, want.StorageID = tc.wantRedisURL, tc.wantScope, tc.wantStorageID

				if got.LLMAPIKey != tc.wantKey {
					t.Errorf("runner's LLM API key = %q, want %q", got.LLMAPIKey, tc.wantKey)
				}
				// The Secret reference is the operator's half of the key, the key itself the runner's.
				ignore := cmpopts.IgnoreFields(runnerv1.VideoOptions{}, "LLMAPIKeySecret", "LLMAPIKey")
				if diff := cmp.Diff(want, got, ignore); diff != "" {
					t.Errorf("runner parsed different options (-operator +runner):\n%s\nargs: %q", diff, want.Args())
				}
			})
		}
	}
}

// Every field of the options survives the trip, including the runner-local ones the operator never sets:
// a field added to the options but forgotten in Args or Bind fails here.
func TestVideoOptionsRoundTripEveryField(t *testing.T) {
	want := runnerv1.VideoOptions{
		TaskOptions: runnerv1.TaskOptions{StorageRoot: "/srv", Out: "s3://bucket/out", Progress: runnerv1.ProgressPlain,
			SoftTimeLimit: 90 * time.Second, HardTimeLimit: 2 * time.Hour, Font: "/fonts/x.ttf", WorkDir: "/work dir", TerminationLog: "/tmp/term"},
		Video: "v.mkv", Subtitles: "s.srt", TranslationSubtitles: "t.srt", Language: "fr", TargetLanguage: "ko-KR",
		MaxExpressions: 7, Level: "beginner", Include: []string{"x", "y"}, Extractor: "llm",
		LLMEndpoint: "http://127.0.0.1/v1", LLMModel: "m", LLMAPIKeyFile: "/secrets/key",
		EducationalVideo: false, Combined: true, Shorts: true, Slides: false, Repeat: 2,
		SubtitleMode: "original", ShortsSubtitleMode: "none",
	}
	// The Redis URL, the cache scope and the storage identity reach the runner from the environment the
	// operator builds with the cache (TestVideoOptionsRoundTrip), never from the options' own rendering.
	assertEveryFieldSet(t, want, "LLMAPIKeySecret", "LLMAPIKey", "RedisURL", "CacheScope", "StorageID")
	for _, p := range parsers {
		got := parseVideo(t, p, want.Args(), env(want.Env(), nil))
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", p.name, diff)
		}
	}
}

// A runner started by hand with no flags gets the API's defaults: the same run as a VideoTask that left
// those fields out, once the schema defaulted it.
func TestVideoFlagDefaultsAreTheAPIDefaults(t *testing.T) {
	minimal := &tasksv1.VideoTask{Spec: tasksv1.VideoTaskSpec{Source: tasksv1.VideoSource{Video: "v.mkv"},
		TaskTemplate: tasksv1.TaskTemplate{Storage: testutil.PVCSource(testutil.DefaultClaim)}}}
	testutil.Default(minimal)
	fromSpec := runnerv1.VideoOptionsFromSpec(minimal)
	var local runnerv1.VideoOptions
	fs := pflag.NewFlagSet("runner", pflag.ContinueOnError)
	local.Bind(fs)
	if err := fs.Parse(nil); err != nil {
		t.Fatal(err)
	}
	// Only the operator decides where files are and how progress is reported; the video has no default.
	ignore := cmpopts.IgnoreFields(runnerv1.VideoOptions{}, "TaskOptions", "Video")
	if diff := cmp.Diff(fromSpec, local, ignore); diff != "" {
		t.Errorf("flag defaults differ from the API defaults (-api +flags):\n%s", diff)
	}
	if local.MaxExpressions != tasksv1.DefaultMaxCount || fromSpec.MaxExpressions != tasksv1.DefaultMaxCount {
		t.Errorf("max expressions: flags %d, spec %d, want %d", local.MaxExpressions, fromSpec.MaxExpressions, tasksv1.DefaultMaxCount)
	}
}

func TestSlideOptionsRoundTrip(t *testing.T) {
	base := func() *testutil.SlideTaskWrapper { return testutil.MakeSlideTask("slides", "lessons") }
	cases := map[string]*tasksv1.SlideTask{
		"defaults":             base().Obj(),
		"mp4 with audio":       base().Format(tasksv1.SlideFormatMP4).Audio(tasksv1.SlideAudioExpression).DurationSeconds(600).Obj(),
		"smallest and largest": base().Size(320, 3840).Obj(),
		"output with spaces":   base().Output("out/my slides=1/").Obj(),
		"zero values":          {Spec: tasksv1.SlideTaskSpec{}},
	}
	for name, task := range cases {
		for _, p := range parsers {
			t.Run(name+"/"+p.name, func(t *testing.T) {
				want := runnerv1.SlideOptionsFromSpec(task)
				args := want.Args()
				if args[0] != runnerv1.CommandSlides {
					t.Fatalf("args %q do not start with %q", args, runnerv1.CommandSlides)
				}
				var got runnerv1.SlideOptions
				fs, parse := p.new()
				got.Bind(fs)
				if err := parse(args[1:]); err != nil {
					t.Fatalf("parse %q: %v", args, err)
				}
				if err := got.ApplyEnv(env(want.Env(), nil)); err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("(-operator +runner):\n%s\nargs: %q", diff, args)
				}
			})
		}
	}
}

// A runner started by hand with no flags makes the same slides as a SlideTask that left those fields out.
func TestSlideFlagDefaultsAreTheAPIDefaults(t *testing.T) {
	minimal := &tasksv1.SlideTask{Spec: tasksv1.SlideTaskSpec{
		TaskTemplate: tasksv1.TaskTemplate{Storage: testutil.PVCSource(testutil.DefaultClaim)}}}
	testutil.Default(minimal)
	fromSpec := runnerv1.SlideOptionsFromSpec(minimal)
	var local runnerv1.SlideOptions
	fs := pflag.NewFlagSet("runner", pflag.ContinueOnError)
	local.Bind(fs)
	if err := fs.Parse(nil); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(fromSpec, local, cmpopts.IgnoreFields(runnerv1.SlideOptions{}, "TaskOptions")); diff != "" {
		t.Errorf("flag defaults differ from the API defaults (-api +flags):\n%s", diff)
	}
}

func TestSlideOptionsRoundTripEveryField(t *testing.T) {
	want := runnerv1.SlideOptions{
		TaskOptions: runnerv1.TaskOptions{StorageRoot: "/srv", Out: "o", Progress: runnerv1.ProgressNone,
			SoftTimeLimit: time.Minute, HardTimeLimit: 90 * time.Minute, Font: "f.ttf", WorkDir: "w", TerminationLog: "t"},
		Format: "mp4", Width: 1920, Height: 1080, Duration: 1500 * time.Millisecond, Audio: true,
		Content: `{"expression":"a = b","translation":"가"}`, ContentFile: "-",
	}
	assertEveryFieldSet(t, want)
	var got runnerv1.SlideOptions
	fs := pflag.NewFlagSet("runner", pflag.ContinueOnError)
	got.Bind(fs)
	if err := fs.Parse(want.Args()[1:]); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestCleanupOptionsRoundTrip(t *testing.T) {
	base := func() *testutil.CleanupPolicyWrapper { return testutil.MakeCleanupPolicy("nightly", "media") }
	cases := map[string]*tasksv1.CleanupPolicy{
		"defaults": base().Obj(),
		"everything": base().RetentionDays(3650).Paths("a b/c", "드라마").Include("**/*.mp4", "x=y/*").
			Exclude("keep/**", "-dash").Mode(tasksv1.CleanupDryRun).Obj(),
		"zero values": {},
	}
	for name, policy := range cases {
		for _, p := range parsers {
			t.Run(name+"/"+p.name, func(t *testing.T) {
				want := runnerv1.CleanupOptionsFromPolicy(policy)
				args := want.Args()
				if args[0] != runnerv1.CommandCleanup {
					t.Fatalf("args %q do not start with %q", args, runnerv1.CommandCleanup)
				}
				var got runnerv1.CleanupOptions
				fs, parse := p.new()
				got.Bind(fs)
				if err := parse(args[1:]); err != nil {
					t.Fatalf("parse %q: %v", args, err)
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("(-operator +runner):\n%s\nargs: %q", diff, args)
				}
			})
		}
	}
}

// A cleanup started by hand with no flags keeps files as long, and deletes as a CleanupPolicy that left
// those fields out.
func TestCleanupFlagDefaultsAreTheAPIDefaults(t *testing.T) {
	minimal := &tasksv1.CleanupPolicy{Spec: tasksv1.CleanupPolicySpec{Storage: testutil.PVCSource(testutil.DefaultClaim)}}
	testutil.Default(minimal)
	fromSpec := runnerv1.CleanupOptionsFromPolicy(minimal)
	var local runnerv1.CleanupOptions
	fs := pflag.NewFlagSet("runner", pflag.ContinueOnError)
	local.Bind(fs)
	if err := fs.Parse(nil); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(fromSpec, local, cmpopts.IgnoreFields(runnerv1.CleanupOptions{}, "Root")); diff != "" {
		t.Errorf("flag defaults differ from the API defaults (-api +flags):\n%s", diff)
	}
}

func TestTimeLimitFromEnvironment(t *testing.T) {
	for value, want := range map[string]time.Duration{"": 0, "2700": 45 * time.Minute, "2.5": 2500 * time.Millisecond, "25m": 25 * time.Minute} {
		var o runnerv1.SlideOptions
		if err := o.ApplyEnv(func(n string) string { return map[string]string{runnerv1.EnvSoftTimeLimit: value}[n] }); err != nil {
			t.Fatalf("%q: %v", value, err)
		}
		if o.SoftTimeLimit != want {
			t.Errorf("%s=%q: %v, want %v", runnerv1.EnvSoftTimeLimit, value, o.SoftTimeLimit, want)
		}
	}
	for _, bad := range []string{"soon", "-5", "-1m"} {
		var o runnerv1.SlideOptions
		err := o.ApplyEnv(func(string) string { return bad })
		if err == nil || !strings.Contains(err.Error(), runnerv1.EnvSoftTimeLimit) {
			t.Errorf("%q: error %v, want one naming %s", bad, err, runnerv1.EnvSoftTimeLimit)
		}
	}
	// A flag wins over the environment.
	var o runnerv1.SlideOptions
	fs := pflag.NewFlagSet("runner", pflag.ContinueOnError)
	o.Bind(fs)
	if err := fs.Parse([]string{"--" + runnerv1.FlagSoftTimeLimit + "=90"}); err != nil {
		t.Fatal(err)
	}
	if err := o.ApplyEnv(func(string) string { return "1h" }); err != nil || o.SoftTimeLimit != 90*time.Second {
		t.Errorf("flag 90 with env 1h: %v, %v; want 1m30s", o.SoftTimeLimit, err)
	}
	if o.HardTimeLimit != time.Hour {
		t.Errorf("no --%s, %s=1h: hard limit %v, want 1h", runnerv1.FlagHardTimeLimit, runnerv1.EnvHardTimeLimit, o.HardTimeLimit)
	}
}

func TestTaskRefEnv(t *testing.T) {
	for _, ref := range []runnerv1.TaskRef{
		{Kind: tasksv1.KindSlideTask, Name: "s", Namespace: "n", Attempt: 3},
		{Kind: tasksv1.KindVideoTask, Name: "v", Namespace: "n"},
	} {
		got, ok := runnerv1.TaskRefFromEnv(env(ref.Env(), nil))
		if !ok || got != ref {
			t.Errorf("TaskRefFromEnv = %+v, %t; want %+v", got, ok, ref)
		}
	}
	for _, bad := range []string{"0", "-2", "two", ""} {
		vars := map[string]string{runnerv1.EnvTaskName: "t", runnerv1.EnvAttempt: bad}
		if got, _ := runnerv1.TaskRefFromEnv(func(n string) string { return vars[n] }); got.Attempt != 0 {
			t.Errorf("%s=%q reads as attempt %d, want 0 (unknown)", runnerv1.EnvAttempt, bad, got.Attempt)
		}
	}
	if _, ok := runnerv1.TaskRefFromEnv(func(string) string { return "" }); ok {
		t.Error("an empty environment names a task")
	}
	if err := (runnerv1.TaskRef{Kind: tasksv1.KindCleanupPolicy, Name: "c", Namespace: "n"}).Validate(); err == nil {
		t.Error("a CleanupPolicy is not a task a runner reports to")
	}
}

func TestDecodeSlideTaskIgnoresUnknownFields(t *testing.T) {
	data := `{"apiVersion":"tasks.langflix.io/v1alpha1","kind":"SlideTask","metadata":{"name":"s"},
		"spec":{"slides":[{"expression":"break the ice","translation":"어색한 분위기를 깨다","pronunciation":"added later"}],
		"format":"PNG","futureField":{"x":1}}}`
	task, err := runnerv1.DecodeSlideTask([]byte(data))
	if err != nil {
		t.Fatalf("a field the runner does not know yet must not break it: %v", err)
	}
	want := []tasksv1.SlideContent{{Expression: "break the ice", Translation: "어색한 분위기를 깨다"}}
	if diff := cmp.Diff(want, runnerv1.SlideContents(task)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if _, err := runnerv1.DecodeSlideTask([]byte(`{"kind":"VideoTask"}`)); err == nil {
		t.Error("a VideoTask decoded as a SlideTask")
	}
	one := testutil.BreakTheIce()
	if got := runnerv1.SlideContents(&tasksv1.SlideTask{Spec: tasksv1.SlideTaskSpec{Content: &one}}); len(got) != 1 || got[0].Expression != one.Expression {
		t.Errorf("spec.content gives %+v", got)
	}
}

// assertEveryFieldSet fails when a field of v (a struct, embedded structs included) has its zero value,
// except the named ones: a table that leaves a field at zero cannot show that the field travels.
func assertEveryFieldSet(t *testing.T, v any, except ...string) {
	t.Helper()
	for _, f := range zeroFields(v) {
		if !contains(except, f) {
			t.Errorf("field %s is zero; give it a value so the round trip covers it", f)
		}
	}
}
