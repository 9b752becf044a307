package cli

import (
	runnerv1 "github.com/langflix/langflix-operator/api/runner/v1alpha1"
	"github.com/langflix/langflix-operator/runner/redact"
)

// redactTermination removes credentials from every URL in a termination message before the operator copies
// it into the task's status, where everyone who may read the task sees it: the message, the manifest location
// and a cleanup run's error samples. Encode shortens the result to what the kubelet keeps.
func redactTermination(m runnerv1.TerminationMessage) runnerv1.TerminationMessage {
	m.Message = redact.Text(m.Message)
	m.Manifest = redact.Text(m.Manifest)
	if m.CleanupResult != nil {
		c := *m.CleanupResult
		c.ErrorSamples = make([]string, len(m.ErrorSamples))
		for i, s := range m.ErrorSamples {
			c.ErrorSamples[i] = redact.Text(s)
		}
		m.CleanupResult = &c
	}
	return m
}
