package cli

import (
	"os"

	"github.com/langflix/langflix-operator/runner/progress"
)

// envCacheScope is the scope of the runner's cache entries, set by the operator: the task's namespace, or
// "shared" when the installation shares the cache between namespaces.
const envCacheScope = "LANGFLIX_CACHE_SCOPE"

// cacheScope returns the scope of this run's cache entries: the operator's setting, else the task's namespace
// (so that a Job without the setting never shares), else none (a run outside a cluster).
func cacheScope() string {
	if scope := os.Getenv(envCacheScope); scope != "" {
		return scope
	}
	ref, _ := progress.TaskRefFromEnv()
	return ref.Namespace
}

// extractorEndpoint is the LLM endpoint when the LLM extractor runs: it decides the answers, so it is part of
// every cache key.
func extractorEndpoint(f *videoFlags) string {
	if f.extractor != extractorLLM {
		return ""
	}
	return f.llmEndpoint
}
