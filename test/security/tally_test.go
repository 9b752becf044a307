package security

import (
	"fmt"
	"sync"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// tally counts the escalation attempts and the legitimate actions of the suite and how each ended.
type tally struct {
	mu                                     sync.Mutex
	attempts, breaches, legit, legitPassed int
	record                                 []string
}

var results = &tally{}

func (t *tally) add(line string, attempt, ok bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if attempt {
		t.attempts++
		if !ok {
			t.breaches++
		}
	} else {
		t.legit++
		if ok {
			t.legitPassed++
		}
	}
	t.record = append(t.record, line)
}

func (t *tally) summary() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return fmt.Sprintf("%d attempts, %d succeeded; %d legitimate actions, %d succeeded",
		t.attempts, t.breaches, t.legit, t.legitPassed)
}

func (t *tally) lines() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]string(nil), t.record...)
}

// expectDenied makes one escalation attempt. It counts as refused only when the API server (or, for attempts
// outside the API, the check itself) says no, and the refusal names what was wrong (wantMessage).
func expectDenied(name string, err error, wantMessage string) {
	GinkgoHelper()
	// Any refusal stops the attempt; a refusal with the wrong words fails the spec below, but is no breach.
	refused := err != nil
	verdict := "refused"
	if !refused {
		verdict = "SUCCEEDED"
	}
	results.add(fmt.Sprintf("attempt    %-9s %s", verdict, name), true, refused)
	if err == nil {
		Fail(fmt.Sprintf("escalation attempt succeeded: %s", name))
	}
	Expect(err.Error()).To(ContainSubstring(wantMessage), "the refusal of %q names the problem", name)
	GinkgoWriter.Printf("refused: %s\n  %v\n", name, err)
}

// expectAllowed makes one legitimate action, which must succeed.
func expectAllowed(name string, err error) {
	GinkgoHelper()
	verdict := "allowed"
	if err != nil {
		verdict = "DENIED"
	}
	results.add(fmt.Sprintf("legitimate %-9s %s", verdict, name), false, err == nil)
	Expect(err).NotTo(HaveOccurred(), "legitimate action %q", name)
}
