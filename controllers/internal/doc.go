// Package internal holds the layer both reconcilers stand on: the runner pod (runnerpod), object names and
// labels (naming), the operator's writes (kubewrite: status apply and the one patch helper), metrics, Job
// observations (jobs), status conditions (conditions), the admission queue both task kinds share (admission),
// the namespaces' own settings (namespaces) and the Kueue Workload the operator reads (kueue). Imports run one way: the reconciler packages
// (controllers/task, controllers/cleanuppolicy) import these, never the reverse, and layout_test.go keeps
// it so.
package internal
