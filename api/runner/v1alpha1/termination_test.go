package runnerv1alpha1_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	runnerv1 "github.com/langflix/langflix-operator/api/runner/v1alpha1"
)

func TestTerminationMessageRoundTrip(t *testing.T) {
	cases := map[string]runnerv1.TerminationMessage{
		"task success": {Reason: runnerv1.ReasonCompleted, Message: "2 expressions: 4 clips, 2 slides, 2 videos, 0 shorts",
			Expressions: 2, Manifest: "lessons/ep1/manifest.json", Outputs: &runnerv1.Outputs{Clips: 4, Slides: 2, Videos: 2}},
		"partial":       {Reason: runnerv1.ReasonSoftTimeLimitExceeded, Message: "soft time limit of 25m0s reached", Expressions: 1, Partial: true, Outputs: &runnerv1.Outputs{Clips: 2}},
		"invalid input": {Reason: runnerv1.ReasonInvalidInput, Message: `subtitles "ep.srt": no cues <&> 한국어`},
		"cleanup": {Reason: runnerv1.ReasonCompleted, CleanupResult: &runnerv1.CleanupResult{
			FilesDeleted: 12, BytesFreed: 1 << 40, DirsRemoved: 2, Skipped: 3, Errors: 1, ErrorSamples: []string{"remove x: permission denied"}, DryRun: true}},
		"cleanup of nothing": {Reason: runnerv1.ReasonCompleted, CleanupResult: &runnerv1.CleanupResult{}},
	}
	for name, want := range cases {
		t.Run(name, func(t *testing.T) {
			data := want.Encode()
			got, err := runnerv1.ParseTerminationMessage(string(data))
			if err != nil {
				t.Fatalf("parse %s: %v", data, err)
			}
			if diff := cmp.Diff(&want, got); diff != "" {
				t.Errorf("(-encoded +parsed):\n%s\n%s", diff, data)
			}
		})
	}
}

// The kubelet cuts termination messages at 4096 bytes; a cut message would be broken JSON.
func TestTerminationMessageStaysUnderTheKubeletLimit(t *testing.T) {
	huge := strings.Repeat("어색한 분위기를 깨다 <&> ", 5000) // multi-byte, and more than 100 KiB
	samples := make([]string, 50)
	for i := range samples {
		samples[i] = strings.Repeat("e", 400)
	}
	cases := map[string]runnerv1.TerminationMessage{
		"long message": {Reason: runnerv1.ReasonInternal, Message: huge, Manifest: "a/manifest.json", Outputs: &runnerv1.Outputs{Clips: 1}},
		"long manifest path and message": {Reason: runnerv1.ReasonInternal, Message: huge,
			Manifest: strings.Repeat("deep/", 2000) + "manifest.json"},
		"cleanup with many error samples": {Reason: runnerv1.ReasonInternal, Message: huge,
			CleanupResult: &runnerv1.CleanupResult{Errors: 50, ErrorSamples: samples}},
	}
	for name, m := range cases {
		t.Run(name, func(t *testing.T) {
			var before []string
			if m.CleanupResult != nil {
				before = append(before, m.ErrorSamples...)
			}
			data := m.Encode()
			if len(data) >= runnerv1.MaxTerminationMessageBytes {
				t.Fatalf("%d bytes, want under %d", len(data), runnerv1.MaxTerminationMessageBytes)
			}
			got, err := runnerv1.ParseTerminationMessage(string(data))
			if err != nil {
				t.Fatalf("the shortened message does not parse: %v", err)
			}
			if got.Reason != m.Reason || !utf8.ValidString(got.Message) {
				t.Errorf("reason %q (want %q), message valid UTF-8: %t", got.Reason, m.Reason, utf8.ValidString(got.Message))
			}
			if m.Outputs != nil && (got.Outputs == nil || *got.Outputs != *m.Outputs) {
				t.Errorf("outputs %+v were lost, want %+v", got.Outputs, m.Outputs)
			}
			if m.CleanupResult != nil {
				if got.CleanupResult == nil || got.Errors != m.Errors {
					t.Errorf("cleanup counts were lost: %+v", got.CleanupResult)
				}
				if diff := cmp.Diff(before, m.ErrorSamples); diff != "" {
					t.Errorf("Encode changed the caller's error samples:\n%s", diff)
				}
			}
			if !strings.HasSuffix(got.Message, "…") && got.Message != "" {
				t.Errorf("a shortened message is not marked: %q", got.Message[max(0, len(got.Message)-20):])
			}
		})
	}
}

func TestParseTerminationMessage(t *testing.T) {
	if _, err := runnerv1.ParseTerminationMessage("  \n"); err != runnerv1.ErrNoTerminationMessage {
		t.Errorf("empty: %v", err)
	}
	for _, logTail := range []string{"panic: oops\ngoroutine 1", `"just a string"`, "{not json"} {
		if _, err := runnerv1.ParseTerminationMessage(logTail); err == nil {
			t.Errorf("%q parsed as a termination message", logTail)
		}
	}
	// A newer runner's message with fields this version does not know still parses.
	got, err := runnerv1.ParseTerminationMessage(`{"reason":"Completed","expressions":3,"outputs":{"clips":6,"subtitled":6},"newField":[1,2]}`)
	if err != nil {
		t.Fatal(err)
	}
	if got.Expressions != 3 || got.Outputs == nil || got.Outputs.Clips != 6 || got.CleanupResult != nil {
		t.Errorf("parsed %+v", got)
	}
	// A message of the runner before this contract (every field always written) still parses.
	old := `{"reason":"SoftTimeLimitExceeded","message":"m","expressions":1,"manifest":"/data/x/manifest.json","outputs":{"clips":2,"slides":1,"videos":1,"shorts":0},"partial":true}`
	got, err = runnerv1.ParseTerminationMessage(old)
	if err != nil || got.Reason != runnerv1.ReasonSoftTimeLimitExceeded || !got.Partial || got.Outputs.Videos != 1 {
		t.Errorf("old message: %+v, %v", got, err)
	}
}

func TestReasonsAndExitCodes(t *testing.T) {
	for _, tc := range []struct {
		reason runnerv1.Reason
		code   int
	}{
		{runnerv1.ReasonCompleted, runnerv1.ExitOK},
		{runnerv1.ReasonInvalidInput, runnerv1.ExitInvalidInput},
		{runnerv1.ReasonSoftTimeLimitExceeded, runnerv1.ExitSoftTimeLimit},
		{runnerv1.ReasonHardTimeLimitExceeded, runnerv1.ExitHardTimeLimit},
		{runnerv1.ReasonTerminated, runnerv1.ExitTerminated},
		{runnerv1.ReasonInternal, runnerv1.ExitRetryable},
	} {
		if got := tc.reason.ExitCode(); got != tc.code {
			t.Errorf("%s exits %d, want %d", tc.reason, got, tc.code)
		}
		if got := runnerv1.ReasonForExitCode(int32(tc.code)); got != tc.reason {
			t.Errorf("exit %d reads as %s, want %s", tc.code, got, tc.reason)
		}
	}
	// The Job's podFailurePolicy is built from these sets: a final exit code must never be taken for a
	// disruption, nor success or a plain failure for either.
	for _, final := range runnerv1.FinalExitCodes {
		if slices.Contains(runnerv1.DisruptionExitCodes, final) || final == runnerv1.ExitOK || final == runnerv1.ExitRetryable {
			t.Errorf("exit code %d is in FinalExitCodes and must not be", final)
		}
	}
	if slices.Contains(runnerv1.DisruptionExitCodes, runnerv1.ExitOK) || slices.Contains(runnerv1.DisruptionExitCodes, runnerv1.ExitRetryable) {
		t.Errorf("DisruptionExitCodes %v holds success or a plain failure", runnerv1.DisruptionExitCodes)
	}
	if got := runnerv1.ReasonForExitCode(137); got != runnerv1.ReasonInternal {
		t.Errorf("exit 137 (SIGKILL) reads as %s", got)
	}
}

func TestProgressApplyOwnsOnlyProgress(t *testing.T) {
	ref := runnerv1.TaskRef{Kind: "VideoTask", Name: "ep1", Namespace: "lessons", Attempt: 2}
	u, err := runnerv1.NewProgressApply(ref, progressOf(420, "clips", "cut clip 3 of 8")).Unstructured()
	if err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(u.Object)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"apiVersion":"tasks.langflix.io/v1alpha1","kind":"VideoTask","metadata":{"name":"ep1","namespace":"lessons"},` +
		`"status":{"progress":{"attempt":2,"current":420,"message":"cut clip 3 of 8","percent":42,"stage":"clips","total":1000,"updateTime":"2026-01-02T03:04:05Z"}}}`
	if string(data) != want {
		t.Errorf("apply configuration\n got %s\nwant %s", data, want)
	}
}
