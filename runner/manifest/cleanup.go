package manifest

import "github.com/langflix/langflix-operator/runner/cleanup"

// CleanupTermination is the termination message of the cleanup command: the Summary's own fields plus
// reason and message, so the operator can read it both as a Summary and like every other termination
// message.
type CleanupTermination struct {
	Reason  string `json:"reason"`
	Message string `json:"message"`
	cleanup.Summary
}

// Encode returns t as compact JSON shorter than MaxTerminationBytes, dropping error samples and then
// shortening the message as needed.
func (t CleanupTermination) Encode() []byte {
	t.ErrorSamples = append([]string(nil), t.ErrorSamples...) // shrinking must not touch the caller's slice
	return encodeLimited(&t, func() bool {
		switch {
		case len(t.ErrorSamples) > 0:
			t.ErrorSamples = t.ErrorSamples[:len(t.ErrorSamples)-1]
		case t.Message != "":
			t.Message = cutRunes(t.Message, len(t.Message)/2)
		default:
			return false
		}
		return true
	})
}
