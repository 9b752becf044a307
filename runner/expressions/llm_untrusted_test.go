package expressions

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"
)

// The endpoint is the task author's choice and may answer anything. What it says must never reach the task's
// status (the error) and reaches the runner log only bounded and without the key.
func TestLLMEndpointWordsStayOutOfErrors(t *testing.T) {
	const planted = "PLANTED-BY-ENDPOINT"
	long := strings.Repeat("x", 5000)
	for _, tc := range []struct {
		name  string
		reply func(w http.ResponseWriter)
	}{
		{"HTTP 400 body", func(w http.ResponseWriter) {
			http.Error(w, planted+" key="+testKey+" https://evil.example/p?token=abc "+long, http.StatusBadRequest)
		}},
		{"HTTP 500 body", func(w http.ResponseWriter) { http.Error(w, planted+" "+long, http.StatusInternalServerError) }},
		{"refusal", func(w http.ResponseWriter) {
			_ = json.NewEncoder(w).Encode(map[string]any{"choices": []any{map[string]any{
				"message": map[string]any{"refusal": planted + " " + long}, "finish_reason": "stop"}}})
		}},
		{"finish reason", func(w http.ResponseWriter) {
			_ = json.NewEncoder(w).Encode(map[string]any{"choices": []any{map[string]any{
				"message": map[string]any{"content": "not json"}, "finish_reason": planted + long}}})
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, srv := newFakeAPI(t, func(_ int, _ chatRequest, w http.ResponseWriter, _ *http.Request) { tc.reply(w) })
			var logBuf bytes.Buffer
			llm := NewLLM(LLMConfig{Endpoint: srv.URL + "/v1", Model: "test-model", APIKey: testKey, MaxRetries: -1,
				Backoff: time.Millisecond, Log: slog.New(slog.NewTextHandler(&logBuf, nil))})
			_, err := llm.Extract(context.Background(), sintelCues(t), Options{})
			if err == nil {
				t.Fatal("no error")
			}
			if strings.Contains(err.Error(), planted) || len(err.Error()) > 300 {
				t.Errorf("error carries the endpoint's words (%d bytes): %.200s", len(err.Error()), err)
			}
			log := logBuf.String()
			if !strings.Contains(log, planted) {
				t.Errorf("the runner log lacks the endpoint's answer:\n%.500s", log)
			}
			for _, secret := range []string{testKey, "token=abc"} {
				if strings.Contains(log, secret) {
					t.Errorf("the runner log contains %q", secret)
				}
			}
			if len(log) > 2000 {
				t.Errorf("the log line is %d bytes: the answer is not bounded", len(log))
			}
		})
	}
}

// TestLLMNetworkErrorHidesURLQuery: an endpoint URL with a query (some gateways take the key there) must not
// appear with it in the error that reaches the status.
func TestLLMNetworkErrorHidesURLQuery(t *testing.T) {
	llm := NewLLM(LLMConfig{Endpoint: "http://127.0.0.1:1/v1?api-key=sk-in-query", Model: "m", MaxRetries: -1})
	_, err := llm.Extract(context.Background(), sintelCues(t), Options{})
	if err == nil {
		t.Fatal("no error from a closed port")
	}
	if strings.Contains(err.Error(), "sk-in-query") {
		t.Errorf("error leaks the query: %v", err)
	}
}
