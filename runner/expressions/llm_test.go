package expressions

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/langflix/langflix-operator/runner/failure"
)

const testKey = "sk-test-SECRET-123"

// fakeAPI is a local stand-in for an OpenAI-compatible chat-completions API. Each request is checked for
// the parts of the protocol the extractor relies on, then answered by reply.
type fakeAPI struct {
	t          *testing.T
	requests   atomic.Int32
	reply      func(n int, req chatRequest, w http.ResponseWriter, r *http.Request)
	lastUser   atomic.Value
	lastSystem atomic.Value
}

func newFakeAPI(t *testing.T, reply func(n int, req chatRequest, w http.ResponseWriter, r *http.Request)) (*fakeAPI, *httptest.Server) {
	api := &fakeAPI{t: t, reply: reply}
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)
	return api, srv
}

func (a *fakeAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n := int(a.requests.Add(1))
	if r.Method != http.MethodPost || r.URL.Path != "/v1/chat/completions" {
		a.t.Errorf("request %s %s, want POST /v1/chat/completions", r.Method, r.URL.Path)
	}
	if got := r.Header.Get("Authorization"); got != "Bearer "+testKey {
		a.t.Errorf("Authorization = %q", got)
	}
	var req chatRequest
	body, _ := io.ReadAll(r.Body)
	if err := json.Unmarshal(body, &req); err != nil {
		a.t.Errorf("request body is not JSON: %v", err)
	}
	if req.Model != "test-model" || req.ResponseFormat.Type != "json_schema" || req.ResponseFormat.JSONSchema.Schema == nil {
		a.t.Errorf("request lacks model or json_schema response format: %s", body)
	}
	if !strings.Contains(string(body), `"dialogue"`) || !strings.Contains(string(body), `"similar"`) {
		a.t.Errorf("schema does not describe the expression fields: %s", body)
	}
	if len(req.Messages) == 2 {
		a.lastSystem.Store(req.Messages[0].Content)
		a.lastUser.Store(req.Messages[1].Content)
	}
	a.reply(n, req, w, r)
}

// writeAnswer writes a chat completion whose message content is content.
func writeAnswer(w http.ResponseWriter, content string) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"id":      "chatcmpl-test",
		"object":  "chat.completion",
		"choices": []any{map[string]any{"index": 0, "finish_reason": "stop", "message": map[string]any{"role": "assistant", "content": content}}},
	})
}

func writeItems(w http.ResponseWriter, items []llmItem) {
	data, _ := json.Marshal(map[string]any{"expressions": items})
	writeAnswer(w, string(data))
}

// sintelAnswer is what a model might answer for Sintel: good picks, a partial quote, a paraphrase, an
// invented line, and a phrase the lexicon does not know.
var sintelAnswer = []llmItem{
	{Expression: "shed blood", Translation: "피를 흘리게 하다", Meaning: "to kill or wound people", Level: "advanced",
		Dialogue: "It has shed much innocent blood.", Similar: []string{"spill blood", "shed blood", " ", "draw blood"}},
	{Expression: "be a fool for", Translation: "~하다니 어리석다", Meaning: "foolish to do something", Level: "intermediate",
		Dialogue: "You're a fool for traveling alone,", Similar: []string{"be crazy to"}},
	{Expression: "a kindred spirit", Translation: "마음이 통하는 사람", Meaning: "someone like you", Level: "advanced",
		Dialogue: "A kindred spirit?"},
	{Expression: "come on", Translation: "어서!", Meaning: "hurry", Level: "expert", Dialogue: "Yeah! Come on!"},
	{Expression: "closer than you think", Translation: "생각보다 가까이", Meaning: "nearer", Level: "intermediate",
		Dialogue: "You are closer than you think."},
	{Expression: "hold your horses", Translation: "진정해", Meaning: "wait", Level: "advanced", Dialogue: "Hold your horses!"},
	{Expression: "", Translation: "빈 표현", Meaning: "empty", Level: "beginner", Dialogue: "Scales!"},
}

func testLLM(srvURL string) Extractor {
	return NewLLM(LLMConfig{Endpoint: srvURL + "/v1", Model: "test-model", APIKey: testKey, MaxRetries: 2, Backoff: time.Millisecond})
}

func TestLLMSuccess(t *testing.T) {
	api, srv := newFakeAPI(t, func(_ int, _ chatRequest, w http.ResponseWriter, _ *http.Request) {
		writeItems(w, sintelAnswer)
	})
	cues := sintelCues(t)
	got, err := testLLM(srv.URL).Extract(context.Background(), cues, Options{MaxCount: 50, MinContext: time.Second, MaxContext: 3 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if n := api.requests.Load(); n != 1 {
		t.Errorf("%d requests for 26 cues, want 1", n)
	}
	if user, _ := api.lastUser.Load().(string); !strings.Contains(user, "You are closer than you know.") {
		t.Errorf("prompt does not carry the dialogue: %q", user)
	}
	type want struct {
		cue                        int
		matched, translation, kind string
		level                      Level
		similar                    string
	}
	wants := map[string]want{
		"shed blood":       {1, "shed much innocent blood", "피를 흘리게 하다", KindCollocation, Advanced, "spill blood|draw blood"},
		"be a fool for":    {2, "You're a fool for", "~하다니 어리석다", KindIdiom, Intermediate, "be crazy to"},
		"a kindred spirit": {8, "A kindred spirit", "마음이 통하는 사람", KindIdiom, Advanced, ""},
		// The lexicon knows "come on": its level replaces the invalid one; the quoted line picks cue 17.
		"come on": {17, "Come on", "어서!", KindPhrasal, Beginner, "hurry up|let's go"},
	}
	if len(got) != len(wants) {
		t.Errorf("got %d expressions, want %d (paraphrased and invented ones dropped): %+v", len(got), len(wants), got)
	}
	for _, e := range got {
		w, ok := wants[e.Phrase]
		if !ok {
			t.Errorf("unexpected expression %q", e.Phrase)
			continue
		}
		if e.Source != SourceLLM || e.CueIndex != w.cue || e.Matched != w.matched || e.Translation != w.translation ||
			e.Kind != w.kind || e.Level != w.level || strings.Join(e.Similar, "|") != w.similar {
			t.Errorf("%q = %+v, want %+v", e.Phrase, e, w)
		}
	}
	checkSelectionInvariants(t, cues, got, mustDefaults(t, Options{MaxCount: 50, MinContext: time.Second, MaxContext: 3 * time.Second}))
}

// spec.targetLanguage reaches the model: the translations are asked for in the learners' language, named
// in words and by its code, and never in a hard-coded one.
func TestLLMAsksForTheTargetLanguage(t *testing.T) {
	for _, tc := range []struct{ target, want string }{
		{"", "Korean (ko)"},
		{"ko", "Korean (ko)"},
		{"ja", "Japanese (ja)"},
		{"pt-BR", "Brazilian Portuguese (pt-BR)"},
		{"zz", "zz (zz)"},
	} {
		api, srv := newFakeAPI(t, func(_ int, _ chatRequest, w http.ResponseWriter, _ *http.Request) {
			writeItems(w, sintelAnswer)
		})
		if _, err := testLLM(srv.URL).Extract(context.Background(), sintelCues(t), Options{TargetLanguage: tc.target}); err != nil {
			t.Fatal(err)
		}
		system, _ := api.lastSystem.Load().(string)
		if !strings.Contains(system, "learners whose\nlanguage is "+tc.want) || !strings.Contains(system, "translation into "+tc.want) {
			t.Errorf("target %q: system prompt does not ask for %s:\n%s", tc.target, tc.want, system)
		}
		if tc.want != "Korean (ko)" && strings.Contains(system, "Korean") {
			t.Errorf("target %q: the prompt still mentions Korean:\n%s", tc.target, system)
		}
	}
}

func TestLLMChunksLongDialogue(t *testing.T) {
	api, srv := newFakeAPI(t, func(_ int, _ chatRequest, w http.ResponseWriter, _ *http.Request) {
		writeItems(w, nil)
	})
	cues := generatedCues(loadLexicon(), 2*llmChunkCues+10)
	got, err := testLLM(srv.URL).Extract(context.Background(), cues, Options{Include: []string{"trust me"}})
	if err != nil {
		t.Fatal(err)
	}
	if n := api.requests.Load(); n != 3 {
		t.Errorf("%d requests for %d cues, want 3", n, len(cues))
	}
	// Included phrases are found by the matcher even when the model finds nothing.
	if len(got) == 0 || got[0].Phrase != "trust me" || got[0].Source != SourceInclude {
		t.Errorf("got %+v, want the included phrase", got)
	}
}

func TestLLMMalformedAnswer(t *testing.T) {
	for name, reply := range map[string]func(w http.ResponseWriter){
		"content is not JSON":      func(w http.ResponseWriter) { writeAnswer(w, `{"expressions": [{"expression": "break the ice",`) },
		"body is not a completion": func(w http.ResponseWriter) { _, _ = io.WriteString(w, "<html>gateway</html>") },
		"no choices":               func(w http.ResponseWriter) { _, _ = io.WriteString(w, `{"choices": []}`) },
	} {
		t.Run(name, func(t *testing.T) {
			api, srv := newFakeAPI(t, func(_ int, _ chatRequest, w http.ResponseWriter, _ *http.Request) { reply(w) })
			_, err := testLLM(srv.URL).Extract(context.Background(), sintelCues(t), Options{})
			if err == nil {
				t.Fatal("no error for a malformed answer")
			}
			if n := api.requests.Load(); n != 1 {
				t.Errorf("%d requests; a malformed answer is not a transport error to retry", n)
			}
		})
	}
}

func TestLLMRetriesRateLimit(t *testing.T) {
	api, srv := newFakeAPI(t, func(n int, _ chatRequest, w http.ResponseWriter, _ *http.Request) {
		if n == 1 {
			http.Error(w, `{"error":{"message":"Rate limit reached"}}`, http.StatusTooManyRequests)
			return
		}
		writeItems(w, sintelAnswer)
	})
	got, err := testLLM(srv.URL).Extract(context.Background(), sintelCues(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if n := api.requests.Load(); n != 2 {
		t.Errorf("%d requests, want 2 (429 then success)", n)
	}
	if len(got) == 0 {
		t.Error("no expressions after the retry")
	}
}

func TestLLMGivesUpAfterMaxRetries(t *testing.T) {
	api, srv := newFakeAPI(t, func(_ int, _ chatRequest, w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "upstream overloaded", http.StatusServiceUnavailable)
	})
	_, err := testLLM(srv.URL).Extract(context.Background(), sintelCues(t), Options{})
	if err == nil || !strings.Contains(err.Error(), "503") || !strings.Contains(err.Error(), "3 attempts") {
		t.Fatalf("error %v, want a 503 failure after 3 attempts", err)
	}
	if failure.IsInvalid(err) {
		t.Error("a server outage must stay retryable, not invalid input")
	}
	if n := api.requests.Load(); n != 3 {
		t.Errorf("%d requests, want 1 + MaxRetries = 3", n)
	}
}

func TestLLMRejectedRequests(t *testing.T) {
	tests := []struct {
		status int
		body   string
	}{
		{http.StatusUnauthorized, `{"error":{"message":"Incorrect API key provided: ` + testKey + `"}}`},
		{http.StatusForbidden, `{"error":{"message":"key ` + testKey + ` has no access"}}`},
		{http.StatusBadRequest, `{"error":{"message":"model not found; key=` + testKey + `"}}`},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.status), func(t *testing.T) {
			api, srv := newFakeAPI(t, func(_ int, _ chatRequest, w http.ResponseWriter, _ *http.Request) {
				http.Error(w, tt.body, tt.status)
			})
			_, err := testLLM(srv.URL).Extract(context.Background(), sintelCues(t), Options{})
			if !failure.IsInvalid(err) {
				t.Fatalf("error %v, want invalid input", err)
			}
			if strings.Contains(err.Error(), testKey) || strings.Contains(err.Error(), "SECRET") {
				t.Errorf("error leaks the API key: %v", err)
			}
			if !strings.Contains(err.Error(), fmt.Sprint(tt.status)) {
				t.Errorf("error %q does not name the HTTP status", err)
			}
			if n := api.requests.Load(); n != 1 {
				t.Errorf("%d requests; HTTP %d must not be retried", n, tt.status)
			}
		})
	}
}

func TestLLMContextCancel(t *testing.T) {
	t.Run("during the request", func(t *testing.T) {
		started := make(chan struct{})
		_, srv := newFakeAPI(t, func(_ int, _ chatRequest, _ http.ResponseWriter, r *http.Request) {
			close(started)
			<-r.Context().Done()
		})
		ctx, cancel := context.WithCancel(context.Background())
		go func() { <-started; cancel() }()
		_, err := testLLM(srv.URL).Extract(ctx, sintelCues(t), Options{})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("error %v, want context.Canceled", err)
		}
	})
	t.Run("during the backoff", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		api, srv := newFakeAPI(t, func(_ int, _ chatRequest, w http.ResponseWriter, _ *http.Request) {
			http.Error(w, "busy", http.StatusTooManyRequests)
			cancel() // the client is now waiting an hour before its retry
		})
		ex := NewLLM(LLMConfig{Endpoint: srv.URL + "/v1/", Model: "test-model", APIKey: testKey, MaxRetries: 5, Backoff: time.Hour})
		_, err := ex.Extract(ctx, sintelCues(t), Options{})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("error %v, want context.Canceled", err)
		}
		if n := api.requests.Load(); n != 1 {
			t.Errorf("%d requests after cancel, want 1", n)
		}
	})
}

func TestLLMEndpointAndConfig(t *testing.T) {
	var path atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		path.Store(r.URL.Path)
		writeItems(w, nil)
	}))
	defer srv.Close()
	for endpoint, wantPath := range map[string]string{
		srv.URL + "/v1":          "/v1/chat/completions",
		srv.URL + "/v1/":         "/v1/chat/completions",
		srv.URL:                  "/chat/completions",
		srv.URL + "/openai/v1//": "/openai/v1/chat/completions",
	} {
		ex := NewLLM(LLMConfig{Endpoint: endpoint, Model: "m"})
		if _, err := ex.Extract(context.Background(), sintelCues(t), Options{}); err != nil {
			t.Fatalf("%s: %v", endpoint, err)
		}
		if got := path.Load(); got != wantPath {
			t.Errorf("endpoint %s posted to %v, want %s", endpoint, got, wantPath)
		}
	}
	for _, cfg := range []LLMConfig{{Model: "m"}, {Endpoint: srv.URL}} {
		if _, err := NewLLM(cfg).Extract(context.Background(), sintelCues(t), Options{}); !failure.IsInvalid(err) {
			t.Errorf("%+v: error %v, want invalid input", cfg, err)
		}
	}
}

func TestParseRetryAfter(t *testing.T) {
	for in, want := range map[string]time.Duration{"": 0, "3": 3 * time.Second, " 10 ": 10 * time.Second, "-1": 0,
		"Wed, 21 Oct 2015 07:28:00 GMT": 0} {
		if got := parseRetryAfter(in); got != want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", in, got, want)
		}
	}
}
