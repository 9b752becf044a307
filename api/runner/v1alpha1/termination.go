package runnerv1alpha1

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
)

// MaxTerminationMessageBytes is the kubelet's limit on one container's termination message; it cuts longer
// ones, which would leave the operator with broken JSON. Encode stays below it.
const MaxTerminationMessageBytes = 4096

// TerminationMessage is what the runner leaves in its termination log on every exit, and what the
// operator reads back from the terminated container's status. Task runs fill the task result fields,
// cleanup runs the CleanupResult; Reason and Message are always set.
type TerminationMessage struct {
	// Reason is the outcome; it matches the exit code (Reason.ExitCode).
	Reason Reason `json:"reason"`
	// Message explains the outcome in a sentence: a failure's cause, or a summary of what was made.
	Message string `json:"message,omitempty"`

	// Expressions is how many expressions the run finished.
	Expressions int32 `json:"expressions,omitempty"`
	// Manifest is the manifest's location: a path below StorageRoot (or as given) or a URL.
	Manifest string `json:"manifest,omitempty"`
	// Outputs counts the files the run produced, by kind.
	Outputs *Outputs `json:"outputs,omitempty"`
	// Partial is set when the run stopped early and only finished expressions were kept.
	Partial bool `json:"partial,omitempty"`

	// CleanupResult is the summary of a cleanup run; its fields sit at the top level of the JSON.
	*CleanupResult
}

// Outputs counts a run's output files by kind.
type Outputs struct {
	Clips  int32 `json:"clips"`
	Slides int32 `json:"slides"`
	Videos int32 `json:"videos"`
	Shorts int32 `json:"shorts"`
}

// Counts are the counts in the shape of a task's status.result.outputs: one entry per kind with files, in
// a fixed order; nil when the run produced none.
func (o Outputs) Counts() []tasksv1.OutputCount {
	var counts []tasksv1.OutputCount
	for _, c := range []tasksv1.OutputCount{
		{Kind: tasksv1.OutputClips, Count: o.Clips},
		{Kind: tasksv1.OutputSlides, Count: o.Slides},
		{Kind: tasksv1.OutputVideos, Count: o.Videos},
		{Kind: tasksv1.OutputShorts, Count: o.Shorts},
	} {
		if c.Count > 0 {
			counts = append(counts, c)
		}
	}
	return counts
}

// CleanupResult is the summary of a cleanup run. The cleanup command also prints it on stdout.
type CleanupResult struct {
	// FilesDeleted counts regular files and symbolic links removed.
	FilesDeleted int64 `json:"filesDeleted"`
	// BytesFreed is the total size of the regular files removed.
	BytesFreed int64 `json:"bytesFreed"`
	// DirsRemoved counts folders removed because the run emptied them.
	DirsRemoved int64 `json:"dirsRemoved"`
	// Skipped counts entries left alone by rule rather than by age: in-progress folders, excluded or not
	// included paths, and entries that are neither regular files, folders nor symbolic links.
	Skipped int64 `json:"skipped"`
	// Errors counts failures; the run goes on after each one.
	Errors int64 `json:"errors"`
	// ErrorSamples holds the first few error messages.
	ErrorSamples []string `json:"errorSamples,omitempty"`
	// DryRun is true when nothing was actually deleted.
	DryRun bool `json:"dryRun"`
}

// Encode returns m as compact JSON shorter than MaxTerminationMessageBytes. What does not fit is shortened
// in the order of its worth to the operator: cleanup error samples first, then the message (halved, cut on
// a UTF-8 boundary and marked with "…"), then the manifest path.
func (m TerminationMessage) Encode() []byte {
	if m.CleanupResult != nil {
		c := *m.CleanupResult
		c.ErrorSamples = append([]string(nil), c.ErrorSamples...) // shrinking must not touch the caller's slice
		m.CleanupResult = &c
	}
	for {
		data := m.marshal()
		if len(data) < MaxTerminationMessageBytes || !m.shrink() {
			return data
		}
	}
}

func (m *TerminationMessage) shrink() bool {
	switch {
	case m.CleanupResult != nil && len(m.ErrorSamples) > 0:
		m.ErrorSamples = m.ErrorSamples[:len(m.ErrorSamples)-1]
	case m.Message != "":
		m.Message = cutRunes(m.Message, len(m.Message)/2)
	case m.Manifest != "":
		m.Manifest = ""
	default:
		return false
	}
	return true
}

func (m TerminationMessage) marshal() []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // keep < > & readable in messages; the operator parses JSON, not HTML
	if err := enc.Encode(m); err != nil {
		// Only unsupported types fail to marshal, and the message holds strings and numbers; still, a
		// runner must leave a message the operator can parse.
		return []byte(`{"reason":"` + string(ReasonInternal) + `"}`)
	}
	return bytes.TrimRight(buf.Bytes(), "\n")
}

// ErrNoTerminationMessage is returned by ParseTerminationMessage for an empty message.
var ErrNoTerminationMessage = errors.New("no termination message")

// ParseTerminationMessage reads a termination message as the kubelet reports it. Unknown fields are
// ignored, so a newer runner's message still parses. A message that is not a JSON object (with
// TerminationMessageFallbackToLogsOnError the kubelet reports the log tail instead) is an error, and the
// caller keeps the raw text.
func ParseTerminationMessage(raw string) (*TerminationMessage, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil, ErrNoTerminationMessage
	}
	if !strings.HasPrefix(raw, "{") {
		return nil, fmt.Errorf("termination message is not a JSON object")
	}
	var m TerminationMessage
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		return nil, fmt.Errorf("termination message: %w", err)
	}
	return &m, nil
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
