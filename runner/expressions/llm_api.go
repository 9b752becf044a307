package expressions

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/langflix/langflix-operator/runner/failure"
	"github.com/langflix/langflix-operator/runner/redact"
)

// llmItem is one expression in the model's answer.
type llmItem struct {
	Expression  string   `json:"expression"`
	Translation string   `json:"translation"`
	Meaning     string   `json:"meaning"`
	Level       string   `json:"level"`
	Dialogue    string   `json:"dialogue"`
	Similar     []string `json:"similar"`
}

type chatMessage struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

type chatRequest struct {
	Model          string         `json:"model"`
	Messages       []chatMessage  `json:"messages"`
	ResponseFormat responseFormat `json:"response_format"`
}

type responseFormat struct {
	Type       string     `json:"type"`
	JSONSchema jsonSchema `json:"json_schema"`
}

type jsonSchema struct {
	Name   string         `json:"name"`
	Strict bool           `json:"strict"`
	Schema map[string]any `json:"schema"`
}

type chatResponse struct {
	Choices []struct {
		Message struct {
			Content string `json:"content"`
			Refusal string `json:"refusal"`
		} `json:"message"`
		FinishReason string `json:"finish_reason"`
	} `json:"choices"`
}

// expressionsSchema is the structured-output schema: {expressions: [{expression, translation, meaning,
// level, dialogue, similar}]}. Strict mode requires every property and forbids extra ones.
var expressionsSchema = map[string]any{
	"type": "object",
	"properties": map[string]any{
		"expressions": map[string]any{
			"type": "array",
			"items": map[string]any{
				"type": "object",
				"properties": map[string]any{
					"expression":  map[string]any{"type": "string"},
					"translation": map[string]any{"type": "string"},
					"meaning":     map[string]any{"type": "string"},
					"level":       map[string]any{"type": "string", "enum": []string{"beginner", "intermediate", "advanced"}},
					"dialogue":    map[string]any{"type": "string"},
					"similar":     map[string]any{"type": "array", "items": map[string]any{"type": "string"}},
				},
				"required":             []string{"expression", "translation", "meaning", "level", "dialogue", "similar"},
				"additionalProperties": false,
			},
		},
	},
	"required":             []string{"expressions"},
	"additionalProperties": false,
}

// maxResponseBytes bounds what is read from the API; an answer for one chunk is a few kilobytes.
const maxResponseBytes = 8 << 20

// ask sends one chat-completions request and parses the structured answer.
func (l *llm) ask(ctx context.Context, messages []chatMessage) ([]llmItem, error) {
	body, err := json.Marshal(chatRequest{
		Model:    l.cfg.Model,
		Messages: messages,
		ResponseFormat: responseFormat{
			Type:       "json_schema",
			JSONSchema: jsonSchema{Name: "expressions", Strict: true, Schema: expressionsSchema},
		},
	})
	if err != nil {
		return nil, fmt.Errorf("llm: encode request: %w", err)
	}
	raw, err := l.post(ctx, body)
	if err != nil {
		return nil, err
	}
	var resp chatResponse
	if err := json.Unmarshal(raw, &resp); err != nil {
		return nil, fmt.Errorf("llm: response is not a chat completion: %w", err)
	}
	if len(resp.Choices) == 0 {
		return nil, errors.New("llm: response has no choices")
	}
	choice := resp.Choices[0]
	if choice.Message.Refusal != "" {
		l.cfg.Log.Warn("llm: the model refused", "endpoint", redact.URL(l.url), "refusal", l.snippet(choice.Message.Refusal))
		return nil, errors.New("llm: the model refused to answer (its words are in the runner log)")
	}
	var answer struct {
		Expressions []llmItem `json:"expressions"`
	}
	if err := json.Unmarshal([]byte(choice.Message.Content), &answer); err != nil {
		l.cfg.Log.Warn("llm: answer is not the requested JSON", "endpoint", redact.URL(l.url),
			"finishReason", l.snippet(choice.FinishReason), "error", err)
		return nil, fmt.Errorf("llm: answer is not the requested JSON: %w", err)
	}
	return answer.Expressions, nil
}

// post sends body and returns the response body of a 200 answer. HTTP 429, 5xx and network errors are
// retried up to MaxRetries times with exponential backoff (or the server's Retry-After when longer); other
// 4xx answers fail at once as invalid input, since the same request would fail again. ctx cancels both the
// request and the waits.
func (l *llm) post(ctx context.Context, body []byte) ([]byte, error) {
	for attempt := 0; ; attempt++ {
		raw, retryAfter, err := l.postOnce(ctx, body)
		if err == nil {
			return raw, nil
		}
		var permanent *permanentError
		if errors.As(err, &permanent) {
			return nil, permanent.err
		}
		if ctx.Err() != nil {
			return nil, fmt.Errorf("llm: %w", ctx.Err())
		}
		if attempt >= l.cfg.MaxRetries {
			return nil, fmt.Errorf("%w (gave up after %d attempts)", err, attempt+1)
		}
		wait := min(l.cfg.Backoff<<attempt, maxBackoff)
		if retryAfter > wait {
			wait = min(retryAfter, maxBackoff)
		}
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return nil, fmt.Errorf("llm: %w", ctx.Err())
		case <-timer.C:
		}
	}
}

// permanentError marks a failure that retrying cannot fix.
type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }

// postOnce makes one request. Errors are retryable unless wrapped in permanentError.
func (l *llm) postOnce(ctx context.Context, body []byte) ([]byte, time.Duration, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, l.url, bytes.NewReader(body))
	if err != nil {
		return nil, 0, &permanentError{failure.Invalid("llm: endpoint %q is not a valid URL", redact.URL(l.cfg.Endpoint))}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	if l.cfg.APIKey != "" {
		req.Header.Set("Authorization", "Bearer "+l.cfg.APIKey)
	}
	resp, err := l.client.Do(req)
	if err != nil {
		return nil, 0, fmt.Errorf("llm: request failed: %w", hideURL(err))
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	if err != nil {
		return nil, 0, fmt.Errorf("llm: read response: %w", err)
	}
	switch code := resp.StatusCode; {
	case code == http.StatusOK:
		return raw, 0, nil
	case code == http.StatusUnauthorized || code == http.StatusForbidden:
		// Say nothing of the key or of the body: error bodies of some APIs quote the key.
		return nil, 0, &permanentError{failure.Invalid("llm: the API rejected the credentials (HTTP %d); check the API key", code)}
	case code == http.StatusTooManyRequests || code >= 500:
		l.logAnswer(code, raw)
		return nil, parseRetryAfter(resp.Header.Get("Retry-After")), fmt.Errorf("llm: HTTP %d from the endpoint", code)
	default:
		l.logAnswer(code, raw)
		return nil, 0, &permanentError{failure.Invalid("llm: request rejected (HTTP %d); the endpoint's answer is in the runner log", code)}
	}
}

// logAnswer logs a failed answer's body, bounded and without the key or URL credentials. The body goes to the
// log only, never into an error: errors reach the task's status, and the endpoint (the task author's choice)
// may put anything in its body, including what it was sent.
func (l *llm) logAnswer(code int, body []byte) {
	l.cfg.Log.Warn("llm: endpoint answered with an error", "endpoint", redact.URL(l.url), "status", code,
		"body", l.snippet(string(body)))
}

// snippet shortens remote text for the log and removes the API key and URL credentials from it.
func (l *llm) snippet(s string) string {
	if l.cfg.APIKey != "" {
		s = strings.ReplaceAll(s, l.cfg.APIKey, redact.Mark)
	}
	return snippet(redact.Text(s))
}

// hideURL replaces the URL that net/http puts into its errors with one without credentials or query.
func hideURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		ue.URL = redact.URL(ue.URL)
	}
	return err
}

// parseRetryAfter reads a Retry-After header given in seconds; dates and garbage count as absent.
func parseRetryAfter(v string) time.Duration {
	secs, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || secs <= 0 {
		return 0
	}
	return time.Duration(secs) * time.Second
}

// snippet shortens text for an error message, on a character boundary.
func snippet(s string) string {
	const limit = 300
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > limit {
		return string(r[:limit]) + "…"
	}
	return s
}
