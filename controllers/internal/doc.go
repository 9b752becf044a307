// Package internal holds the layer both reconcilers stand on: the runner pod (runnerpod), object names and
// labels (naming), the operator's writes (kubewrite: status apply and the one patch helper), metrics, Job
// observations (jobs) and status conditions (conditions). Imports run one way: the reconciler packages
// (controllers/task, controllers/cleanuppolicy) import these, never the reverse, and layout_test.go keeps
// it so.
package internal
