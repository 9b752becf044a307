package main

import (
	"context"
	"fmt"
	"time"
)

// createOnlyPhase times `kubectl create -f` of the N tasks with the manager stopped, so the dispatch figure
// can be taken apart: what a task costs the API server to create (a custom resource with CEL rules and
// the admission policies) against a Job, and what the operator's own traffic adds to the author's create
// in the task phase. The tasks are deleted with their namespace (no operator, so no finalizer holds them)
// before the manager starts again.
func (b *bench) createOnlyPhase(ctx context.Context) error {
	b.stopManager()
	if err := b.c.createNamespace(ctx, createOnlyNamespace); err != nil {
		return err
	}
	file := b.path("create-only-tasks.yaml")
	if err := writeManifests(file, b.cfg.n, func(i int) any { return scaleTask(taskName(i), createOnlyNamespace) }); err != nil {
		return err
	}
	create, err := b.c.kubectlCreate(ctx, file)
	if err != nil {
		return err
	}
	b.createOnly = create
	logf("create only: kubectl create of %d tasks, operator stopped: %s", b.cfg.n, seconds(create))
	began := time.Now()
	if err := b.c.deleteNamespace(ctx, createOnlyNamespace, b.cfg.timeout); err != nil {
		return err
	}
	logf("create-only namespace deleted in %s", seconds(time.Since(began)))
	b.rep.add(sectionDispatch, "kubectl create, operator stopped: N tasks / N bare Jobs (what a task costs to create)",
		fmt.Sprintf("%.2fx (%s / %s)", create.Seconds()/b.bare.create.Seconds(), seconds(create), seconds(b.bare.create)), "", nil)
	return b.startManager(ctx)
}
