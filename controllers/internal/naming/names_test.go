package naming

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/util/validation"

	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
)

func TestJobName(t *testing.T) {
	long := strings.Repeat("a", 60) + "-episode"
	tests := []struct {
		name    string
		task    string
		kind    string
		attempt int32
		want    string
	}{
		{name: "video task", task: "episode-1", kind: tasksv1.KindVideoTask, attempt: 1, want: "episode-1-vt-1"},
		{name: "slide task of the same name stays apart", task: "episode-1", kind: tasksv1.KindSlideTask, attempt: 1, want: "episode-1-st-1"},
		{name: "attempt number is the suffix", task: "episode-1", kind: tasksv1.KindVideoTask, attempt: 12, want: "episode-1-vt-12"},
		{name: "exactly 63 characters is kept", task: strings.Repeat("b", 58), kind: tasksv1.KindVideoTask, attempt: 1, want: strings.Repeat("b", 58) + "-vt-1"},
		{name: "too long is cut and hashed", task: long, kind: tasksv1.KindVideoTask, attempt: 3,
			want: strings.Repeat("a", 49) + "-" + hash8(long+"-vt-3") + "-vt-3"},
		{name: "cut ending in '-' is trimmed", task: strings.Repeat("c", 48) + "-" + strings.Repeat("d", 20), kind: tasksv1.KindVideoTask, attempt: 1,
			want: strings.Repeat("c", 48) + "-" + hash8(strings.Repeat("c", 48)+"-"+strings.Repeat("d", 20)+"-vt-1") + "-vt-1"},
		{name: "cut ending in '.' is trimmed", task: strings.Repeat("e", 48) + "." + strings.Repeat("f", 20), kind: tasksv1.KindSlideTask, attempt: 2,
			want: strings.Repeat("e", 48) + "-" + hash8(strings.Repeat("e", 48)+"."+strings.Repeat("f", 20)+"-st-2") + "-st-2"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := JobName(tc.task, tc.kind, tc.attempt)
			if got != tc.want {
				t.Errorf("JobName(%q, %q, %d) = %q, want %q", tc.task, tc.kind, tc.attempt, got, tc.want)
			}
			assertObjectName(t, got, maxJobNameLength)
		})
	}
}

func TestJobNameProperties(t *testing.T) {
	names := []string{
		"a",
		"episode-1",
		strings.Repeat("x", 62),
		strings.Repeat("x", 253),
		strings.Repeat("ab-", 84) + "z",
		"season.1.episode.2." + strings.Repeat("y", 60),
		strings.Repeat("m", 49) + "." + strings.Repeat("n", 40),
	}
	seen := map[string]string{}
	for _, name := range names {
		for _, kind := range []string{tasksv1.KindVideoTask, tasksv1.KindSlideTask} {
			for _, attempt := range []int32{1, 2, 20} {
				got := JobName(name, kind, attempt)
				assertObjectName(t, got, maxJobNameLength)
				if again := JobName(name, kind, attempt); again != got {
					t.Errorf("JobName(%q, %q, %d) is not deterministic: %q then %q", name, kind, attempt, got, again)
				}
				key := fmt.Sprintf("%s/%s/%d", name, kind, attempt)
				if prev, dup := seen[got]; dup {
					t.Errorf("jobName gives %q for both %s and %s", got, prev, key)
				}
				seen[got] = key
			}
		}
	}
}

func TestJobNameLongNamesSharingAPrefixDiffer(t *testing.T) {
	prefix := strings.Repeat("p", 70)
	a, b := JobName(prefix+"-one", tasksv1.KindVideoTask, 1), JobName(prefix+"-two", tasksv1.KindVideoTask, 1)
	if a == b {
		t.Fatalf("two tasks whose names differ only after the cut share the Job name %q", a)
	}
}

func TestCronJobName(t *testing.T) {
	tests := []struct {
		name   string
		policy string
		want   string
	}{
		{name: "short", policy: "nightly", want: "nightly-cleanup"},
		{name: "exactly 52 characters is kept", policy: strings.Repeat("n", 44), want: strings.Repeat("n", 44) + "-cleanup"},
		{name: "too long is cut and hashed", policy: strings.Repeat("n", 45),
			want: strings.Repeat("n", 35) + "-" + hash8(strings.Repeat("n", 45)+"-cleanup") + "-cleanup"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := CronJobName(tc.policy)
			if got != tc.want {
				t.Errorf("CronJobName(%q) = %q, want %q", tc.policy, got, tc.want)
			}
			// The CronJob controller appends "-" and a 10-digit schedule time to name the Jobs it starts.
			assertObjectName(t, got, 52)
			assertObjectName(t, got+"-2900000000", 63)
		})
	}
	for _, n := range []string{strings.Repeat("q", 253), strings.Repeat("q-", 100) + "q"} {
		got := CronJobName(n)
		assertObjectName(t, got, 52)
		if got != CronJobName(n) {
			t.Errorf("CronJobName(%q) is not deterministic", n)
		}
	}
}

// assertObjectName checks that name is usable as an object name and as a label value (the Job controller
// copies a Job's name into its pods' batch.kubernetes.io/job-name label), and a DNS label when it has no dot.
func assertObjectName(t *testing.T, name string, maxLen int) {
	t.Helper()
	if len(name) > maxLen {
		t.Errorf("%q has %d characters, more than %d", name, len(name), maxLen)
	}
	if errs := validation.IsDNS1123Subdomain(name); len(errs) > 0 {
		t.Errorf("%q is not a DNS subdomain: %v", name, errs)
	}
	if errs := validation.IsValidLabelValue(name); len(errs) > 0 {
		t.Errorf("%q is not a label value: %v", name, errs)
	}
	if !strings.Contains(name, ".") {
		if errs := validation.IsDNS1123Label(name); len(errs) > 0 {
			t.Errorf("%q is not a DNS label: %v", name, errs)
		}
	}
}

// hash8 is the documented disambiguator of a shortened name: the first 8 hex digits of the full name's SHA-256.
func hash8(full string) string {
	sum := sha256.Sum256([]byte(full))
	return hex.EncodeToString(sum[:])[:8]
}
