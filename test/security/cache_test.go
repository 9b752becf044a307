package security

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sync/atomic"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/langflix/langflix-operator/runner/cli"
	"github.com/langflix/langflix-operator/runner/manifest"
	"github.com/langflix/langflix-operator/test/testutil"
)

const (
	planted = "POISONED: send your password to evil.example"
	honest  = "어색한 분위기를 깨다"
)

// llmEndpoint is a local OpenAI-compatible endpoint that answers "break the ice" with the translations given,
// one per request (the last one repeats), and counts its requests.
type llmEndpoint struct {
	url          string
	requests     atomic.Int32
	translations []string
}

func newLLMEndpoint(translations ...string) *llmEndpoint {
	GinkgoHelper()
	e := &llmEndpoint{translations: translations}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := int(e.requests.Add(1))
		t := e.translations[min(n, len(e.translations))-1]
		content, _ := json.Marshal(map[string]any{"expressions": []map[string]any{{
			"expression": "break the ice", "translation": t, "meaning": "make people feel comfortable",
			"level": "intermediate", "dialogue": "Let me break the ice.", "similar": []string{},
		}}})
		_ = json.NewEncoder(w).Encode(map[string]any{"choices": []any{map[string]any{
			"message": map[string]any{"content": string(content)}, "finish_reason": "stop"}}})
	}))
	DeferCleanup(srv.Close)
	e.url = srv.URL + "/v1"
	return e
}

// runnerEnv is what the operator gives a task's runner for its cache, read from the cluster: the Redis URL from
// the operator's Secret copy and the scope from the Job's environment.
type runnerEnv struct{ redisURL, scope string }

func runnerEnvOf(ctx context.Context, namespace, job string) runnerEnv {
	GinkgoHelper()
	var secret corev1.Secret
	Eventually(func() error {
		return admin.Get(ctx, client.ObjectKey{Namespace: namespace, Name: redisCopy}, &secret)
	}).Should(Succeed(), "the operator copied the Redis Secret into %s", namespace)
	var j batchv1.Job
	Expect(admin.Get(ctx, client.ObjectKey{Namespace: namespace, Name: job}, &j)).To(Succeed())
	env := runnerEnv{redisURL: string(secret.Data["url"])}
	for _, e := range j.Spec.Template.Spec.Containers[0].Env {
		if e.Name == "LANGFLIX_CACHE_SCOPE" {
			env.scope = e.Value
		}
	}
	Expect(env.scope).NotTo(BeEmpty(), "Job %s/%s sets LANGFLIX_CACHE_SCOPE", namespace, job)
	return env
}

// media is a short real video and its subtitles, in which the dialogue says "Let me break the ice.".
type media struct{ video, subtitles string }

func makeMedia() media {
	GinkgoHelper()
	dir := GinkgoT().TempDir()
	m := media{video: filepath.Join(dir, "episode.mp4"), subtitles: filepath.Join(dir, "episode.srt")}
	out, err := exec.Command("ffmpeg", "-nostdin", "-v", "error", "-y",
		"-f", "lavfi", "-i", "testsrc=size=160x90:rate=10:duration=12",
		"-f", "lavfi", "-i", "sine=frequency=440:duration=12",
		"-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-shortest", m.video).CombinedOutput()
	Expect(err).NotTo(HaveOccurred(), "ffmpeg: %s", out)
	srt := "1\n00:00:02,000 --> 00:00:04,000\nHello there.\n\n" +
		"2\n00:00:05,000 --> 00:00:07,500\nLet me break the ice.\n\n" +
		"3\n00:00:09,000 --> 00:00:11,000\nSee you tomorrow.\n"
	Expect(os.WriteFile(m.subtitles, []byte(srt), 0o644)).To(Succeed())
	return m
}

// runRunner runs the real runner (in process, the code of cmd/runner) over m with env and the LLM endpoint,
// and returns its manifest.
func runRunner(ctx context.Context, m media, env runnerEnv, endpoint, targetLanguage string) *manifest.Manifest {
	GinkgoHelper()
	for name, value := range map[string]string{"LANGFLIX_REDIS_URL": env.redisURL, "LANGFLIX_CACHE_SCOPE": env.scope} {
		old, had := os.LookupEnv(name)
		Expect(os.Setenv(name, value)).To(Succeed())
		DeferCleanup(func() {
			if had {
				_ = os.Setenv(name, old)
			} else {
				_ = os.Unsetenv(name)
			}
		})
	}
	out := GinkgoT().TempDir()
	var log bytes.Buffer
	err := cli.Run(ctx, []string{"video", "--video", m.video, "--subtitles", m.subtitles, "--out", out,
		"--progress", "none", "--educational-video=false", "--slides=false", "--target-language", targetLanguage,
		"--extractor", "llm", "--llm-endpoint", endpoint, "--llm-model", "tutor-1",
		"--termination-log", filepath.Join(out, "termination-log")},
		cli.Env{Stdout: &log, Stderr: &log, Start: time.Now()})
	Expect(err).NotTo(HaveOccurred(), "runner:\n%s", log.String())
	got, err := manifest.Read(filepath.Join(out, manifest.FileName))
	Expect(err).NotTo(HaveOccurred())
	Expect(got.Expressions).To(HaveLen(1))
	return got
}

// poisoned is the outcome of a run that should not see another context's answer, as an attempt: nil (the
// attempt succeeded) when the planted translation came back from the cache.
func poisoned(m *manifest.Manifest) error {
	if m.Options.Cached && m.Expressions[0].Translation == planted {
		return nil
	}
	return fmt.Errorf("cache miss: fresh answer %q", m.Expressions[0].Translation)
}

var _ = Describe("the runners' cache", Ordered, ContinueOnFailure, func() {
	var m media
	var envA, envB runnerEnv

	BeforeAll(func(ctx SpecContext) {
		// A video of its own: identical tasks of a namespace wait for the oldest to finish (work done once), and
		// nothing finishes here.
		a, b := testutil.MakeVideoTask("cache-a", teamA).Video("input/cache.mkv").Obj(), testutil.MakeVideoTask("cache-b", teamB).Obj()
		Expect(user("alice").Create(ctx, a)).To(Succeed())
		Expect(user("carol").Create(ctx, b)).To(Succeed())
		envA, envB = runnerEnvOf(ctx, teamA, waitForJob(ctx, a)), runnerEnvOf(ctx, teamB, waitForJob(ctx, b))
		Expect(envA.scope).To(Equal(teamA))
		Expect(envB.scope).To(Equal(teamB))
		m = makeMedia()
	})

	It("keeps one tenant's LLM answers away from every other namespace, endpoint and language", func(ctx SpecContext) {
		evil := newLLMEndpoint(planted, honest)
		first := runRunner(ctx, m, envA, evil.url, "ko")
		Expect(first.Options.Cached).To(BeFalse())
		Expect(first.Expressions[0].Translation).To(Equal(planted), "team-a's endpoint planted its answer")

		fromB := runRunner(ctx, m, envB, evil.url, "ko")
		expectDenied("cache poisoning across namespaces (team-b, same inputs, endpoint and model)", poisoned(fromB), "cache miss")
		Expect(evil.requests.Load()).To(BeNumerically("==", 2), "team-b asked the endpoint itself")

		other := newLLMEndpoint(honest)
		fromOther := runRunner(ctx, m, envA, other.url, "ko")
		expectDenied("cache poisoning across endpoints (team-a, another endpoint)", poisoned(fromOther), "cache miss")

		japanese := runRunner(ctx, m, envA, evil.url, "ja")
		expectDenied("a cached answer for another target language", poisoned(japanese), "cache miss")

		again := runRunner(ctx, m, envA, evil.url, "ko")
		var hit error
		if !again.Options.Cached {
			hit = fmt.Errorf("the same task context missed the cache")
		}
		expectAllowed("cache hit for the same namespace, inputs, endpoint, model and language", hit)
	})

	It("is shared between namespaces only when the installation says so", func(ctx SpecContext) {
		shared := newLLMEndpoint(honest, "second answer")
		runRunner(ctx, m, runnerEnv{redisURL: envA.redisURL, scope: "shared"}, shared.url, "ko")
		fromB := runRunner(ctx, m, runnerEnv{redisURL: envB.redisURL, scope: "shared"}, shared.url, "ko")
		var hit error
		if !fromB.Options.Cached || fromB.Expressions[0].Translation != honest {
			hit = fmt.Errorf("a shared cache missed: %+v", fromB.Expressions[0])
		}
		expectAllowed("shared cache (redis.shared) serves another namespace", hit)
	})
})
