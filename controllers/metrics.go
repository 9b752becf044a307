package controllers

import (
	"github.com/prometheus/client_golang/prometheus"
	"sigs.k8s.io/controller-runtime/pkg/metrics"
)

// Metric labels come from fixed sets (kind, phase, result), never from object names, so cardinality stays
// bounded however many tasks run.
var (
	taskPhaseTransitionsTotal = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "langflix_task_phase_transitions_total",
		Help: "Task phase transitions written by the operator, by kind and new phase.",
	}, []string{"kind", "phase"})

	taskAttemptsTotal = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "langflix_task_attempts_total",
		Help: "Task attempts (Jobs) started, by kind.",
	}, []string{"kind"})

	cleanupRunsTotal = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "langflix_cleanup_runs_total",
		Help: "Finished cleanup runs observed, by result (succeeded, failed).",
	}, []string{"result"})

	cleanupFilesDeletedTotal = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "langflix_cleanup_files_deleted_total",
		Help: "Files deleted by observed cleanup runs.",
	})
)

func init() {
	metrics.Registry.MustRegister(taskPhaseTransitionsTotal, taskAttemptsTotal, cleanupRunsTotal, cleanupFilesDeletedTotal)
}
