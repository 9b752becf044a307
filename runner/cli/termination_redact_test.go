package cli

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/langflix/langflix-operator/runner/manifest"
)

func TestRedactTermination(t *testing.T) {
	msg := manifest.Termination{Reason: "InvalidInput",
		Message:  `input https://bucket.example/ep.mp4?X-Amz-Signature=sig-secret refused: HTTP 403`,
		Manifest: "s3://out/ep/manifest.json?endpoint=minio&token=tok-secret"}.Encode()
	got := redactTermination(msg)
	for _, secret := range []string{"sig-secret", "tok-secret"} {
		if strings.Contains(string(got), secret) {
			t.Errorf("termination message still holds %q: %s", secret, got)
		}
	}
	var back manifest.Termination
	if err := json.Unmarshal(got, &back); err != nil {
		t.Fatalf("redacted message is not JSON: %v\n%s", err, got)
	}
	if back.Reason != "InvalidInput" || !strings.Contains(back.Message, "https://bucket.example/ep.mp4?REDACTED refused") {
		t.Errorf("redacted message lost its content: %+v", back)
	}

	clean := manifest.Termination{Reason: "Completed", Message: "3 expressions"}.Encode()
	if got := redactTermination(clean); string(got) != string(clean) {
		t.Errorf("a message without URLs changed: %s -> %s", clean, got)
	}

	// Redaction may lengthen a message that was just under the kubelet's limit; it must stay under it.
	long := manifest.Termination{Reason: "Failed", Message: strings.Repeat("https://h/x?a=b ", 250)}.Encode()
	if got := redactTermination(long); len(got) >= manifest.MaxTerminationBytes || json.Unmarshal(got, &back) != nil {
		t.Errorf("redacted long message is %d bytes or not JSON", len(got))
	}
}
