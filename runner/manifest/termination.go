package manifest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"unicode/utf8"
)

// MaxTerminationBytes is the kubelet's limit on a termination message; longer ones are cut off, which
// would leave the operator with invalid JSON.
const MaxTerminationBytes = 4096

// DefaultTerminationLog is where Kubernetes reads the termination message from by default.
const DefaultTerminationLog = "/dev/termination-log"

// ReasonCompleted is the termination reason of a successful run.
const ReasonCompleted = "Completed"

// Termination is the compact summary the operator reads from the terminated container's status.
type Termination struct {
	Reason      string  `json:"reason"`
	Message     string  `json:"message"`
	Expressions int     `json:"expressions"`
	Manifest    string  `json:"manifest"`
	Outputs     Outputs `json:"outputs"`
	Partial     bool    `json:"partial"`
}

// Outputs counts the files of each kind the run produced.
type Outputs struct {
	Clips  int `json:"clips"`
	Slides int `json:"slides"`
	Videos int `json:"videos"`
	Shorts int `json:"shorts"`
}

// Encode returns t as compact JSON shorter than MaxTerminationBytes, shortening the message (and, in
// the absurd case of a giant path, the manifest path) as needed.
func (t Termination) Encode() []byte {
	return encodeLimited(&t, func() bool {
		switch {
		case t.Message != "":
			t.Message = cutRunes(t.Message, len(t.Message)/2)
		case t.Manifest != "":
			t.Manifest = ""
		default:
			return false
		}
		return true
	})
}

// ResolveTerminationLog picks the termination log path: the explicit flag value, else env value, else the
// Kubernetes default when its folder exists (so local runs do not fail for lack of /dev/termination-log).
// An empty result means no termination log is written.
func ResolveTerminationLog(flag, env string) string {
	switch {
	case flag != "":
		return flag
	case env != "":
		return env
	}
	if info, err := os.Stat(filepath.Dir(DefaultTerminationLog)); err == nil && info.IsDir() {
		return DefaultTerminationLog
	}
	return ""
}

// WriteTermination writes data to path in place. It does not rename a temporary file: Kubernetes
// bind-mounts the termination log, and a rename onto a mount point fails. An empty path writes nothing.
func WriteTermination(path string, data []byte) error {
	if path == "" {
		return nil
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return fmt.Errorf("write termination log: %w", err)
	}
	return nil
}

// encodeLimited marshals v, calling shrink (which edits v) until the JSON fits the limit or shrink gives up.
func encodeLimited(v any, shrink func() bool) []byte {
	for {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false) // keep < > & readable in messages; the operator parses JSON, not HTML
		if err := enc.Encode(v); err != nil {
			// Only unsupported types fail to marshal; every caller passes plain structs.
			panic(fmt.Sprintf("termination message: %v", err))
		}
		data := bytes.TrimRight(buf.Bytes(), "\n")
		if len(data) < MaxTerminationBytes || !shrink() {
			return data
		}
	}
}

// cutRunes shortens s to at most n bytes without splitting a UTF-8 sequence and marks the cut.
func cutRunes(s string, n int) string {
	const mark = "…"
	if len(s) <= n {
		return s
	}
	n -= len(mark)
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	if n <= 0 {
		return ""
	}
	return s[:n] + mark
}
