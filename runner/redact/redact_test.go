package redact

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"
)

func TestURL(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"https://bucket.s3.amazonaws.com/ep.mp4?X-Amz-Signature=abc&X-Amz-Credential=key", "https://bucket.s3.amazonaws.com/ep.mp4?REDACTED"},
		{"redis://:hunter2@redis.svc:6379/0", "redis://REDACTED@redis.svc:6379/0"},
		{"https://user:pw@llm.example.com/v1#frag", "https://REDACTED@llm.example.com/v1"},
		{"https://llm.example.com/v1", "https://llm.example.com/v1"},
		{"s3://media/ep.mp4?endpoint=minio.svc", "s3://media/ep.mp4?REDACTED"},
		{"https://u:p@[bad/x?token=1", "https://REDACTED@[bad/x?REDACTED"},
		{"not a url", "not a url"},
	} {
		if got := URL(tc.in); got != tc.want {
			t.Errorf("URL(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestText(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`llm: Post "https://llm.example.com/v1/chat/completions?key=sk-1": dial tcp: refused`,
			`llm: Post "https://llm.example.com/v1/chat/completions?REDACTED": dial tcp: refused`},
		{"download https://a.example/x.mp4?sig=1, then redis://:pw@r:6379.",
			"download https://a.example/x.mp4?REDACTED, then redis://REDACTED@r:6379."},
		{"no urls here", "no urls here"},
		{`{"message":"input https://h/x?t=1 refused"}`, `{"message":"input https://h/x?REDACTED refused"}`},
	} {
		if got := Text(tc.in); got != tc.want {
			t.Errorf("Text(%q) =\n  %q, want\n  %q", tc.in, got, tc.want)
		}
	}
}

func TestHandler(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(NewHandler(slog.NewTextHandler(&buf, nil))).With("endpoint", "https://u:pw@llm/v1")
	log.Info("fetching https://h/x.mp4?sig=secret1",
		"video", "https://h/y.mp4?sig=secret2",
		"error", errors.New(`Get "https://h/z?sig=secret3": EOF`),
		"refs", []string{"s3://b/k?secret4=1"},
		slog.Group("g", "u", "redis://:secret5@r:1"))
	out := buf.String()
	for _, secret := range []string{"pw@", "secret1", "secret2", "secret3", "secret4", "secret5"} {
		if strings.Contains(out, secret) {
			t.Errorf("log line contains %q:\n%s", secret, out)
		}
	}
	if !strings.Contains(out, "https://h/x.mp4?REDACTED") {
		t.Errorf("log line lost the redacted URL:\n%s", out)
	}
}
