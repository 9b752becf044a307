// Package metrics holds the operator's Prometheus metrics, registered with controller-runtime's registry.
package metrics

import (
	"github.com/prometheus/client_golang/prometheus"
	ctrlmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"
)

// Metric labels come from fixed sets (kind, phase, result), never from object names, so cardinality stays
// bounded however many tasks run.
var (
	TaskPhaseTransitions = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "langflix_task_phase_transitions_total",
		Help: "Task phase transitions written by the operator, by kind and new phase.",
	}, []string{"kind", "phase"})

	TaskAttempts = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "langflix_task_attempts_total",
		Help: "Task attempts (Jobs) started, by kind.",
	}, []string{"kind"})

	QueueAdmissions = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "langflix_queue_admissions_total",
		Help: "Task attempts admitted by the operator's queue (its limits on running tasks), by kind.",
	}, []string{"kind"})

	QueueWaitingTasks = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "langflix_queue_waiting_tasks",
		Help: "Tasks waiting in the operator's queue for capacity.",
	})

	QueueRunningTasks = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "langflix_queue_running_tasks",
		Help: "Tasks holding capacity of the operator's queue: unfinished, unsuspended Jobs not admitted by Kueue, and Jobs admitted but not yet seen.",
	})

	TaskAttemptEnds = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "langflix_task_attempt_ends_total",
		Help: "Task attempts that ended, by kind and reason (Completed, AttemptFailed, JobDeleted, InvalidInput, ...: the API's fixed set).",
	}, []string{"kind", "reason"})

	CleanupRuns = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "langflix_cleanup_runs_total",
		Help: "Finished cleanup runs observed, by result (succeeded, failed).",
	}, []string{"result"})

	CleanupFilesDeleted = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "langflix_cleanup_files_deleted_total",
		Help: "Files deleted by observed cleanup runs.",
	})
)

func init() {
	ctrlmetrics.Registry.MustRegister(TaskPhaseTransitions, TaskAttempts, TaskAttemptEnds, CleanupRuns, CleanupFilesDeleted,
		QueueAdmissions, QueueWaitingTasks, QueueRunningTasks)
}
