package cli

import (
	runnerv1 "github.com/langflix/langflix-operator/api/runner/v1alpha1"
)

// extractorEndpoint is the LLM endpoint when the LLM extractor runs: it decides the answers, so it is part of
// every cache key.
func extractorEndpoint(o *runnerv1.VideoOptions) string {
	if o.Extractor != runnerv1.ExtractorLLM {
		return ""
	}
	return o.LLMEndpoint
}
