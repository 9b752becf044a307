// Package kubectlplugin is kubectl-langflix, the kubectl plugin for langflix-operator's tasks:
//
//	kubectl langflix watch [TASK | -A]   live progress bars (or plain lines off a terminal) until the tasks finish
//	kubectl langflix logs TASK [-f]      the runner log of the task's current attempt
//	kubectl langflix retry TASK          a new task from a finished task's spec
//
// The plugin reads VideoTasks and SlideTasks through the API server only: it watches them (never polls),
// takes the progress the runner writes to status.progress, and estimates the time left from the rate at
// which status.progress.percent moves between the runner's updates. It depends on the API types only, not
// on the operator's or the runner's packages.
package kubectlplugin
