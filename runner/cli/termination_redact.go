package cli

import (
	"bytes"
	"encoding/json"
	"unicode/utf8"

	"github.com/langflix/langflix-operator/runner/manifest"
	"github.com/langflix/langflix-operator/runner/redact"
)

// redactTermination removes credentials from every URL in a termination message before the operator copies
// it into the task's status, where everyone who may read the task sees it. Every string field is redacted,
// whatever command wrote the message; the message is shortened again if redaction made it longer than the
// kubelet keeps.
func redactTermination(data []byte) []byte {
	var fields map[string]any
	if err := json.Unmarshal(data, &fields); err != nil {
		return []byte(redact.Text(string(data)))
	}
	changed := false
	for k, v := range fields {
		if s, ok := v.(string); ok {
			if r := redact.Text(s); r != s {
				fields[k], changed = r, true
			}
		}
	}
	if !changed {
		return data
	}
	for {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(fields); err != nil {
			return []byte(redact.Text(string(data)))
		}
		out := bytes.TrimRight(buf.Bytes(), "\n")
		msg, _ := fields["message"].(string)
		if len(out) < manifest.MaxTerminationBytes || msg == "" {
			return out
		}
		fields["message"] = halve(msg)
	}
}

// halve cuts s to about half its length on a character boundary and marks the cut.
func halve(s string) string {
	n := len(s) / 2
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
