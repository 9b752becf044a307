package cli

import (
	"encoding/json"
	"strings"
	"testing"

	runnerv1 "github.com/langflix/langflix-operator/api/runner/v1alpha1"
)

func TestRedactTermination(t *testing.T) {
	in := runnerv1.TerminationMessage{Reason: runnerv1.ReasonInvalidInput,
		Message:       `input https://bucket.example/ep.mp4?X-Amz-Signature=sig-secret refused: HTTP 403`,
		Manifest:      "s3://out/ep/manifest.json?endpoint=minio&token=tok-secret",
		CleanupResult: &runnerv1.CleanupResult{ErrorSamples: []string{"open redis://:pw-secret@r:6379: refused"}}}
	data := redactTermination(in).Encode()
	for _, secret := range []string{"sig-secret", "tok-secret", "pw-secret"} {
		if strings.Contains(string(data), secret) {
			t.Errorf("termination message still holds %q: %s", secret, data)
		}
	}
	var back runnerv1.TerminationMessage
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatalf("redacted message is not JSON: %v\n%s", err, data)
	}
	if back.Reason != runnerv1.ReasonInvalidInput || !strings.Contains(back.Message, "https://bucket.example/ep.mp4?REDACTED refused") {
		t.Errorf("redacted message lost its content: %+v", back)
	}
	if in.ErrorSamples[0] != "open redis://:pw-secret@r:6379: refused" {
		t.Errorf("redaction changed the caller's error samples")
	}

	// Redaction may lengthen a message; Encode keeps it under the kubelet's limit.
	long := runnerv1.TerminationMessage{Reason: runnerv1.ReasonInternal, Message: strings.Repeat("https://h/x?a=b ", 250)}
	if got := redactTermination(long).Encode(); len(got) >= runnerv1.MaxTerminationMessageBytes || json.Unmarshal(got, &back) != nil {
		t.Errorf("redacted long message is %d bytes or not JSON", len(got))
	}
}
