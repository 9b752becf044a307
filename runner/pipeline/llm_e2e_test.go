package pipeline_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/langflix/langflix-operator/runner/manifest"
)

// TestLLMExtractorThroughTheCommandLine wires --extractor llm to a local stand-in for the paid
// chat-completions API: the key comes from --llm-api-key-file, goes out as a bearer token, and the
// model's answer ends up in the manifest.
func TestLLMExtractorThroughTheCommandLine(t *testing.T) {
	const key = "sk-local-test-key"
	var calls atomic.Int32
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		if r.URL.Path != "/v1/chat/completions" || r.Header.Get("Authorization") != "Bearer "+key {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		var req struct {
			Model string `json:"model"`
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.Model != "lesson-model" {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		answer, _ := json.Marshal(map[string]any{"expressions": []map[string]any{{
			"expression": "break the ice", "translation": "서먹함을 깨다", "meaning": "to make people feel relaxed",
			"level": "intermediate", "dialogue": "Let me break the ice.", "similar": []string{"warm up the room"},
		}}})
		_ = json.NewEncoder(w).Encode(map[string]any{"choices": []map[string]any{{
			"message": map[string]any{"content": string(answer)}, "finish_reason": "stop"}}})
	}))
	defer server.Close()

	video := testVideo(t, 30*time.Second, 320, 180, 10)
	subs := fixture(t, "short_en.srt", func(p string) error {
		writeSRT(t, p, []cue{{3 * time.Second, 5 * time.Second, "Hello there."}, {10 * time.Second, 12500 * time.Millisecond, "Let me break the ice."}})
		return nil
	})
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "llm-key")
	if err := os.WriteFile(keyFile, []byte(key+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	run := runCLI(t, "", "video", "--video", video, "--subtitles", subs, "--out", out, "--progress", "none",
		"--educational-video=false", "--slides=false", "--extractor", "llm", "--llm-endpoint", server.URL+"/v1",
		"--llm-model", "lesson-model", "--llm-api-key-file", keyFile)
	if run.err != nil {
		t.Fatalf("video: %v\n%s", run.err, run.stderr)
	}
	if calls.Load() == 0 {
		t.Fatal("the LLM was never asked")
	}
	m, err := manifest.Read(filepath.Join(out, manifest.FileName))
	if err != nil {
		t.Fatal(err)
	}
	if m.Options.Extractor != "llm" || m.Options.LLMModel != "lesson-model" {
		t.Errorf("options %+v", m.Options)
	}
	if len(m.Expressions) != 1 {
		t.Fatalf("expressions %+v", m.Expressions)
	}
	e := m.Expressions[0]
	if e.Phrase != "break the ice" || e.Translation != "서먹함을 깨다" || e.Source != "llm" || e.Start != 10 || e.End != 12.5 {
		t.Errorf("expression %+v", e)
	}
	for name, s := range map[string]string{"stdout": run.stdout, "stderr": run.stderr, "termination": string(run.termRaw)} {
		if strings.Contains(s, key) {
			t.Errorf("%s shows the API key", name)
		}
	}
}
