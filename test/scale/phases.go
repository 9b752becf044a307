package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	authenticationv1 "k8s.io/api/authentication/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
	"github.com/langflix/langflix-operator/controllers/manager"
)

var metav1CreateOptions = metav1.CreateOptions{FieldManager: benchFieldManager}

// bench is one run: the cluster, the chart, the manager process and the report.
type bench struct {
	cfg     config
	c       *cluster
	chart   *chart
	audit   auditLog
	rep     *report
	machine *machine
	mgr     *managerProcess

	operatorUser string
	leaderElect  bool
	probeJob     *batchv1.Job
	bare         phaseTimes
	createOnly   time.Duration
	bareCPU      map[string]time.Duration
	peakRSS      int64
}

// phaseTimes are a phase's durations from the start of its kubectl create.
type phaseTimes struct{ create, exist, terminal time.Duration }

const (
	sectionDispatch = "1. Dispatch (kubectl create -f of N objects, from the command's start)"
	sectionWrites   = "2. API writes"
	sectionMemory   = "3. Manager memory (RSS from /proc)"
	sectionRecon    = "4. Reconciles"
	sectionPods     = "5. Finished pods"
	sectionRunner   = "6. Runner vs bare ffmpeg (make bench)"
)

// setup installs the chart (CRDs, RBAC, admission policies) and starts the manager as the chart's
// ServiceAccount with the chart's flags.
func (b *bench) setup(ctx context.Context) error {
	if err := b.chart.install(ctx, b.c.client); err != nil {
		return err
	}
	if err := installPodResultPolicy(ctx, b.c.client); err != nil {
		return err
	}
	ns, sa := b.chart.managerServiceAccount()
	b.operatorUser = "system:serviceaccount:" + ns + ":" + sa
	tr, err := b.c.clientset.CoreV1().ServiceAccounts(ns).CreateToken(ctx, sa, &authenticationv1.TokenRequest{
		Spec: authenticationv1.TokenRequestSpec{ExpirationSeconds: ptr.To[int64](48 * 3600)},
	}, metav1CreateOptions)
	if err != nil {
		return fmt.Errorf("token for %s: %w", b.operatorUser, err)
	}
	kubeconfig := b.path("manager.kubeconfig")
	if err := clientcmd.WriteToFile(clientcmdapi.Config{
		Clusters:       map[string]*clientcmdapi.Cluster{"scale": {Server: b.c.cfg.Host, CertificateAuthorityData: b.c.cfg.CAData, CertificateAuthority: b.c.cfg.CAFile}},
		AuthInfos:      map[string]*clientcmdapi.AuthInfo{"manager": {Token: tr.Status.Token}},
		Contexts:       map[string]*clientcmdapi.Context{"scale": {Cluster: "scale", AuthInfo: "manager"}},
		CurrentContext: "scale",
	}, kubeconfig); err != nil {
		return fmt.Errorf("manager kubeconfig: %w", err)
	}
	env, err := b.chart.managerEnv()
	if err != nil {
		return err
	}
	// In its container the manager takes a Go memory limit from the cgroup's; here, outside one, the same
	// limit is given through GOMEMLIMIT (unless the chart sets one), so the garbage collector works as it
	// would under the chart's memory limit.
	if limit := b.chart.managerMemoryLimit(); limit > 0 && !slices.ContainsFunc(env, func(e string) bool { return strings.HasPrefix(e, "GOMEMLIMIT=") }) {
		env = append(env, fmt.Sprintf("GOMEMLIMIT=%d", manager.SoftMemoryLimit(limit)))
	}
	args := b.chart.managerArgs(fmt.Sprintf("127.0.0.1:%d", b.cfg.metricsPort), fmt.Sprintf("127.0.0.1:%d", b.cfg.probePort))
	b.leaderElect = slices.Contains(args, "--leader-elect=true")
	b.mgr = &managerProcess{
		bin:        b.cfg.managerBin,
		args:       args,
		env:        append(env, "KUBECONFIG="+kubeconfig),
		logPath:    b.path("manager.log"),
		metricsURL: fmt.Sprintf("http://127.0.0.1:%d/metrics", b.cfg.metricsPort),
		readyURL:   fmt.Sprintf("http://127.0.0.1:%d/readyz", b.cfg.probePort),
	}
	logf("manager: %s %s (as %s; log %s)", b.cfg.managerBin, strings.Join(args, " "), b.operatorUser, b.mgr.logPath)
	return b.startManager(ctx)
}

func (b *bench) startManager(ctx context.Context) error {
	if err := b.mgr.start(); err != nil {
		return err
	}
	return b.mgr.waitReady(ctx, b.leaderElect)
}

func (b *bench) stopManager() {
	if b.mgr != nil && b.mgr.cmd != nil {
		b.peakRSS = max(b.peakRSS, b.mgr.rss.highWater())
		b.mgr.stop()
	}
}

// probe lets the operator create the Job of one task; the bare phase creates copies of it.
func (b *bench) probe(ctx context.Context) error {
	if err := b.c.createNamespace(ctx, probeNamespace); err != nil {
		return err
	}
	task, ok := scaleTask("probe", probeNamespace).(client.Object)
	if !ok {
		return fmt.Errorf("probe task is not an object")
	}
	// The CRDs are Established, but the client's discovery may not list them yet: retry while the kind is
	// unknown to it.
	if err := waitFor(ctx, time.Minute, "the VideoTask kind in discovery", func() (bool, error) {
		err := b.c.client.Create(ctx, task.DeepCopyObject().(client.Object))
		switch {
		case err == nil, apierrors.IsAlreadyExists(err):
			return true, nil
		case meta.IsNoMatchError(err), strings.Contains(err.Error(), "There can be a delay"):
			// The kind is not in the client's discovery yet (controller-runtime's message for it), and its
			// mapper does not look again for a group it has seen: a new client discovers afresh.
			logf("  probe: %v", err)
			fresh, cerr := client.New(b.c.cfg, client.Options{Scheme: b.c.client.Scheme()})
			if cerr != nil {
				return false, fmt.Errorf("client: %w", cerr)
			}
			b.c.client = fresh
			return false, nil
		default:
			return false, fmt.Errorf("create probe task: %w", err)
		}
	}); err != nil {
		return err
	}
	err := waitFor(ctx, 2*time.Minute, "the probe task's Job", func() (bool, error) {
		var jobs batchv1.JobList
		if err := b.c.client.List(ctx, &jobs, client.InNamespace(probeNamespace)); err != nil {
			return false, err
		}
		if len(jobs.Items) > 0 {
			b.probeJob = &jobs.Items[0]
		}
		return b.probeJob != nil, nil
	})
	if err != nil {
		return err
	}
	// The task goes first, through the operator (its finalizer deletes the Job and releases the runner pod's
	// result finalizer). Deleting the namespace first would delete the pods first (ordered namespace
	// deletion), and a simulated pod, unlike a kubelet's, never stops when deleted: it would keep its result
	// finalizer, and the namespace, forever.
	if err := client.IgnoreNotFound(b.c.client.Delete(ctx, task)); err != nil {
		return fmt.Errorf("delete probe task: %w", err)
	}
	if err := waitFor(ctx, 2*time.Minute, "the probe task deleted", func() (bool, error) {
		err := b.c.client.Get(ctx, client.ObjectKeyFromObject(task), task.DeepCopyObject().(client.Object))
		if apierrors.IsNotFound(err) {
			return true, nil
		}
		return false, err
	}); err != nil {
		return err
	}
	return b.c.deleteNamespace(ctx, probeNamespace, 5*time.Minute)
}

// barePhase creates N copies of the operator's Job with kubectl from one file and waits until all exist
// and all completed.
func (b *bench) barePhase(ctx context.Context) error {
	if err := b.c.createNamespace(ctx, bareNamespace); err != nil {
		return err
	}
	if sa := b.probeJob.Spec.Template.Spec.ServiceAccountName; sa != "" && sa != "default" {
		obj := &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: sa, Namespace: bareNamespace}}
		if err := b.c.client.Create(ctx, obj); err != nil {
			return fmt.Errorf("runner ServiceAccount for the bare Jobs: %w", err)
		}
	}
	file := b.path("bare-jobs.yaml")
	if err := writeManifests(file, b.cfg.n, func(i int) any { return bareJob(b.probeJob, taskName(i), bareNamespace) }); err != nil {
		return err
	}
	tctx, cancel := context.WithCancel(ctx)
	defer cancel()
	jobs, err := startTracker(tctx, b.c.dynamic, jobsResource, bareNamespace, b.cfg.n, "bare Jobs", jobOutcome)
	if err != nil {
		return err
	}
	cpu0 := b.cpuTimes()
	t0 := time.Now()
	create, err := b.c.kubectlCreate(ctx, file)
	if err != nil {
		return err
	}
	existAt, err := jobs.wait(ctx, false, b.cfg.timeout)
	if err != nil {
		return err
	}
	terminalAt, err := jobs.wait(ctx, true, b.cfg.timeout)
	if err != nil {
		return err
	}
	b.bareCPU = cpuDelta(cpu0, b.cpuTimes())
	b.bare = phaseTimes{create: create, exist: existAt.Sub(t0), terminal: terminalAt.Sub(t0)}
	_, _, failed := jobs.counts()
	logf("bare: kubectl create %s, all %d Jobs exist after %s, all complete after %s (%d failed)",
		seconds(create), b.cfg.n, seconds(b.bare.exist), seconds(b.bare.terminal), failed)
	if failed > 0 {
		b.rep.note("%d bare Jobs failed", failed)
	}
	cancel()
	// The next phase runs on an API server without the bare objects, as the bare phase ran without tasks.
	began := time.Now()
	if err := b.c.deleteNamespace(ctx, bareNamespace, b.cfg.timeout); err != nil {
		return err
	}
	logf("bare namespace deleted in %s", seconds(time.Since(began)))
	return nil
}

// snapshot is the state of the counters at one moment.
type snapshot struct {
	at        time.Time
	apiserver samples
	manager   samples
	audit     int64
}

func (b *bench) snapshot(ctx context.Context) (snapshot, error) {
	s := snapshot{at: time.Now()}
	var err error
	if s.audit, err = b.audit.size(); err != nil {
		return s, err
	}
	if s.apiserver, err = b.c.apiserverMetrics(ctx); err != nil {
		return s, err
	}
	if s.manager, err = b.mgr.metrics(); err != nil {
		return s, err
	}
	return s, nil
}

// taskReconciles is the number of VideoTask reconciles between two snapshots.
func taskReconciles(before, after snapshot) float64 {
	match := map[string]string{"controller": tasksv1.KindVideoTask}
	return after.manager.sum("controller_runtime_reconcile_total", match) - before.manager.sum("controller_runtime_reconcile_total", match)
}

// operatorWrites are the operator's write requests between two snapshots, from the audit log.
func (b *bench) operatorWrites(before, after snapshot) (map[string]int, error) {
	return b.audit.writes(before.audit, after.audit, b.operatorUser, operatorNamespace)
}

// Write requests that are no task's lifecycle: leader election renews its Lease on a timer whatever the
// tasks do (and records an event when it takes the lead), and task events go to the events API (reported
// separately).
func isLease(what string) bool { return strings.HasSuffix(what, leaderElectionSuffix) }
func isEvent(what string) bool { return strings.Contains(what, " events") }

// writeKinds are an operator's write requests by what they are for.
type writeKinds struct {
	lifecycle, events, leases, setup float64
}

// classifyWrites sums the operator's write requests (audit log, "verb resource" keys) by kind.
func classifyWrites(writes map[string]int) writeKinds {
	var k writeKinds
	for what, count := range writes {
		switch {
		case isLease(what):
			k.leases += float64(count)
		case isEvent(what):
			k.events += float64(count)
		case isNamespaceSetup(what):
			k.setup += float64(count)
		default:
			k.lifecycle += float64(count)
		}
	}
	return k
}

// isNamespaceSetup reports a write of what the operator provisions in a task namespace before its first
// Job, once per namespace and not per task (runnerpod.Provisioner): the runner's ServiceAccount and
// RoleBinding, and the cache Secret's copy where the chart copies it. The figure of lifecycle writes per
// task leaves them out; they are reported per namespace.
func isNamespaceSetup(what string) bool {
	for _, resource := range []string{" serviceaccounts", " rolebindings", " secrets"} {
		if strings.Contains(what, resource) {
			return true
		}
	}
	return false
}

// settle waits until the manager's work queues are empty and at least minReconciles VideoTask reconciles
// happened since from, and no reconcile happened for 5 s.
func (b *bench) settle(ctx context.Context, from snapshot, minReconciles float64) error {
	var last float64 = -1
	quietSince := time.Now()
	return waitFor(ctx, b.cfg.timeout, "the manager to settle", func() (bool, error) {
		s, err := b.mgr.metrics()
		if err != nil {
			return false, err
		}
		n := taskReconciles(from, snapshot{manager: s})
		if n != last {
			last, quietSince = n, time.Now()
		}
		return s.sum("workqueue_depth", nil) == 0 && n >= minReconciles && time.Since(quietSince) >= 5*time.Second, nil
	})
}

// taskPhase creates N tasks with kubectl from one file and waits until N Jobs exist and all tasks are
// terminal.
func (b *bench) taskPhase(ctx context.Context) error {
	n := float64(b.cfg.n)
	if err := b.c.createNamespace(ctx, tasksNamespace); err != nil {
		return err
	}
	file := b.path("tasks.yaml")
	if err := writeManifests(file, b.cfg.n, func(i int) any { return scaleTask(taskName(i), tasksNamespace) }); err != nil {
		return err
	}
	tctx, cancel := context.WithCancel(ctx)
	defer cancel()
	tasks, err := startTracker(tctx, b.c.dynamic, videoTasksResource, tasksNamespace, b.cfg.n, "tasks", taskOutcome)
	if err != nil {
		return err
	}
	jobs, err := startTracker(tctx, b.c.dynamic, jobsResource, tasksNamespace, b.cfg.n, "the operator's Jobs", jobOutcome)
	if err != nil {
		return err
	}
	before, err := b.snapshot(ctx)
	if err != nil {
		return err
	}
	b.mgr.rss.resetPeak()
	cpu0 := b.cpuTimes()
	t0 := time.Now()
	create, err := b.c.kubectlCreate(ctx, file)
	if err != nil {
		return err
	}
	existAt, err := jobs.wait(ctx, false, b.cfg.timeout)
	if err != nil {
		return err
	}
	rssDispatched, _ := b.mgr.rss.now()
	terminalAt, err := tasks.wait(ctx, true, b.cfg.timeout)
	if err != nil {
		return err
	}
	rssTerminal, _ := b.mgr.rss.now()
	tasksCPU := cpuDelta(cpu0, b.cpuTimes())
	_, _, failed := tasks.counts()
	if failed > 0 {
		b.rep.note("%d tasks did not succeed", failed)
	}
	if err := b.settle(ctx, before, 0); err != nil {
		return err
	}
	after, err := b.snapshot(ctx)
	if err != nil {
		return err
	}
	_, peak := b.mgr.rss.now()
	op := phaseTimes{create: create, exist: existAt.Sub(t0), terminal: terminalAt.Sub(t0)}
	logf("tasks: kubectl create %s, all %d Jobs exist after %s, all tasks terminal after %s (%d failed)",
		seconds(create), b.cfg.n, seconds(op.exist), seconds(op.terminal), failed)

	ratio := op.exist.Seconds() / b.bare.exist.Seconds()
	b.rep.add(sectionDispatch, "N Jobs exist: operator / bare", fmt.Sprintf("%.2fx (%s / %s)", ratio, seconds(op.exist), seconds(b.bare.exist)), "<= 1.25x", atMost(ratio, 1.25))
	b.rep.add(sectionDispatch, "last Job after the last task was created (operator's lag)", seconds(op.exist-op.create), "", nil)
	b.rep.add(sectionDispatch, "kubectl create: N tasks / N bare Jobs", fmt.Sprintf("%.2fx (%s / %s)", create.Seconds()/b.bare.create.Seconds(), seconds(create), seconds(b.bare.create)), "", nil)
	if b.createOnly > 0 {
		b.rep.add(sectionDispatch, "kubectl create of N tasks: operator running / operator stopped (what the operator's traffic costs the author)",
			fmt.Sprintf("%.2fx (%s / %s)", create.Seconds()/b.createOnly.Seconds(), seconds(create), seconds(b.createOnly)), "", nil)
		b.rep.add(sectionDispatch, "N Jobs exist: operator / its author's kubectl create with the operator stopped", fmt.Sprintf("%.2fx", op.exist.Seconds()/b.createOnly.Seconds()), "", nil)
	}
	b.rep.add(sectionDispatch, "all terminal: tasks / bare Jobs", fmt.Sprintf("%.2fx (%s / %s)", op.terminal.Seconds()/b.bare.terminal.Seconds(), seconds(op.terminal), seconds(b.bare.terminal)), "", nil)

	writes, err := b.operatorWrites(before, after)
	if err != nil {
		return err
	}
	kinds := classifyWrites(writes)
	lifecycle, events, setup := kinds.lifecycle, kinds.events, kinds.setup
	rows := map[string]float64{}
	for what, count := range writes {
		rows[what] = float64(count)
	}
	b.rep.add(sectionWrites, "lifecycle writes per task (operator; the namespace's set-up apart)", fmt.Sprintf("%.2f", lifecycle/n), "<= 4", atMost(lifecycle/n, 4))
	// All tasks are in one namespace: its runner ServiceAccount and RoleBinding (and cache Secret copy) are
	// written once each, whatever N.
	b.rep.add(sectionWrites, "namespace set-up writes (runner ServiceAccount, RoleBinding, cache Secret copy), 1 namespace",
		fmt.Sprintf("%.0f", setup), "once per namespace (<= 3)", atMost(setup, 3))
	b.rep.add(sectionWrites, "events per task (operator)", fmt.Sprintf("%.2f", events/n), "", nil)
	b.rep.tables = append(b.rep.tables, countTable("Operator writes in the task phase, by request (audit log, user "+b.operatorUser+")", "task", rows, n))
	b.rep.tables = append(b.rep.tables, countTable("All clients' writes in the task phase (apiserver_request_total, verb resource/subresource)", "task",
		apiserverWrites(before.apiserver, after.apiserver), n))

	b.rep.tables = append(b.rep.tables, cpuTable(b.bareCPU, tasksCPU, b.bare.terminal, op.terminal))
	b.rep.tables = append(b.rep.tables, latencyTable("Mean API server latency of the writes in the task phase (apiserver_request_duration_seconds)",
		before.apiserver, after.apiserver))
	b.rep.tables = append(b.rep.tables, queueTable(before.manager, after.manager))
	b.rep.tables = append(b.rep.tables, countTable("Status writes by the phase they wrote (langflix_task_phase_transitions_total)", "task",
		delta(before.manager, after.manager, "langflix_task_phase_transitions_total", map[string]string{"kind": tasksv1.KindVideoTask}, "phase"), n))
	recs := taskReconciles(before, after)
	b.rep.add(sectionRecon, "reconciles per task, creation to terminal", fmt.Sprintf("%.2f", recs/n), "", nil)
	// Every simulated runner leaves a termination message (podresult.go); with the pod garbage collector
	// deleting finished pods meanwhile, a Succeeded task without a result is one lost to pod GC.
	deletedPods := apiserverWrites(before.apiserver, after.apiserver)["DELETE pods"]
	lost := tasks.withoutResult()
	b.rep.add(sectionPods, fmt.Sprintf("Succeeded tasks without their result (pod GC deleted %.0f pods meanwhile, --terminated-pod-gc-threshold %s)",
		deletedPods, podGCThreshold(b.cfg.podGCThreshold)), fmt.Sprintf("%d of %d", lost, b.cfg.n-failed), "0", ptr.To(lost == 0))
	b.rep.add(sectionMemory, "RSS when all N Jobs exist", mib(rssDispatched), "", nil)
	b.rep.add(sectionMemory, "RSS with N finished tasks and Jobs cached", mib(rssTerminal), "<= 150 MiB", atMost(float64(rssTerminal), 150<<20))
	b.rep.add(sectionMemory, "peak RSS in the task phase", mib(peak), "<= 150 MiB", atMost(float64(peak), 150<<20))
	return nil
}

// apiserverWrites are the write requests counted by the API server between two scrapes, by verb and
// resource.
func apiserverWrites(before, after samples) map[string]float64 {
	out := map[string]float64{}
	for key, v := range delta(before, after, "apiserver_request_total", nil, "verb", "resource", "subresource") {
		parts := strings.SplitN(key, "/", 3)
		if len(parts) != 3 || !slices.Contains([]string{"POST", "PUT", "PATCH", "APPLY", "DELETE", "DELETECOLLECTION"}, parts[0]) {
			continue
		}
		what := parts[0] + " " + parts[1]
		if parts[2] != "" {
			what += "/" + parts[2]
		}
		out[what] += v
	}
	return out
}

// idlePhase leaves the N finished tasks alone and counts what the operator does meanwhile.
func (b *bench) idlePhase(ctx context.Context) error {
	before, err := b.snapshot(ctx)
	if err != nil {
		return err
	}
	end := time.Now().Add(b.cfg.idle)
	for time.Now().Before(end) {
		logf("  idle: %s left", time.Until(end).Round(time.Second))
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(min(time.Minute, time.Until(end))):
		}
	}
	after, err := b.snapshot(ctx)
	if err != nil {
		return err
	}
	writes, err := b.operatorWrites(before, after)
	if err != nil {
		return err
	}
	minutes := after.at.Sub(before.at).Minutes()
	var other, leases float64
	for what, count := range writes {
		if isLease(what) {
			leases += float64(count)
		} else {
			other += float64(count)
		}
	}
	name := fmt.Sprintf("operator writes per minute, idle %s with N finished tasks", b.cfg.idle)
	b.rep.add(sectionWrites, name, fmt.Sprintf("%.2f (%.0f in all)", other/minutes, other), "0", equal(other, 0))
	if b.leaderElect {
		b.rep.add(sectionWrites, "leader election writes per minute (Lease renewals, at any load)", fmt.Sprintf("%.1f", leases/minutes), "", nil)
	}
	recs := taskReconciles(before, after)
	b.rep.add(sectionRecon, "reconciles while idle", fmt.Sprintf("%.0f", recs), "0", equal(recs, 0))
	rss, _ := b.mgr.rss.now()
	b.rep.add(sectionMemory, "RSS after the idle time", mib(rss), "<= 150 MiB", atMost(float64(rss), 150<<20))
	return nil
}

// restartPhase restarts the manager with N finished tasks in the cluster: its caches fill again from
// scratch and every task is reconciled once, which must write nothing.
func (b *bench) restartPhase(ctx context.Context) error {
	beforeStop, err := b.snapshot(ctx)
	if err != nil {
		return err
	}
	b.stopManager()
	began := time.Now()
	if err := b.startManager(ctx); err != nil {
		return err
	}
	// A new process: its counters start at zero.
	from := snapshot{manager: samples{}}
	if err := b.settle(ctx, from, float64(b.cfg.n)); err != nil {
		return err
	}
	settled := time.Since(began)
	after, err := b.snapshot(ctx)
	if err != nil {
		return err
	}
	writes, err := b.operatorWrites(beforeStop, after)
	if err != nil {
		return err
	}
	var other float64
	for what, count := range writes {
		if !isLease(what) {
			other += float64(count)
			b.rep.note("restart: the operator wrote %q %d times", what, count)
		}
	}
	recs := taskReconciles(from, after)
	rss, _ := b.mgr.rss.now()
	hwm := b.mgr.rss.highWater()
	b.peakRSS = max(b.peakRSS, hwm)
	b.rep.add(sectionRecon, "reconciles per task after a restart", fmt.Sprintf("%.2f (settled in %s)", recs/float64(b.cfg.n), seconds(settled)), "", nil)
	b.rep.add(sectionWrites, "operator writes after a restart with N finished tasks", fmt.Sprintf("%.0f", other), "0", equal(other, 0))
	b.rep.add(sectionMemory, "peak RSS while a restarted manager fills its caches", mib(hwm), "<= 150 MiB", atMost(float64(hwm), 150<<20))
	b.rep.add(sectionMemory, "RSS of the restarted manager, settled", mib(rss), "<= 150 MiB", atMost(float64(rss), 150<<20))
	return nil
}

// progressPhase runs a few tasks long enough for fake runners to report progress every
// progressInterval, and counts the writes that reach the API server and what the operator does about them.
func (b *bench) progressPhase(ctx context.Context) error {
	k := b.cfg.progressTasks
	if k <= 0 {
		return nil
	}
	runFor := b.cfg.progressChange + b.cfg.progressSteady + 3*time.Minute
	if err := b.restartKwok(ctx, runFor); err != nil {
		return err
	}
	if err := b.c.createNamespace(ctx, progressNamespace); err != nil {
		return err
	}
	file := b.path("progress-tasks.yaml")
	if err := writeManifests(file, k, func(i int) any { return scaleTask(taskName(i), progressNamespace) }); err != nil {
		return err
	}
	if _, err := b.c.kubectlCreate(ctx, file); err != nil {
		return err
	}
	var names []string
	err := waitFor(ctx, 3*time.Minute, "the progress tasks to run", func() (bool, error) {
		var list tasksv1.VideoTaskList
		if err := b.c.client.List(ctx, &list, client.InNamespace(progressNamespace)); err != nil {
			return false, err
		}
		names = names[:0]
		for _, t := range list.Items {
			if t.Status.Phase == tasksv1.TaskRunning {
				names = append(names, t.Name)
			}
		}
		return len(names) == k, nil
	})
	if err != nil {
		return err
	}
	// The window starts once the operator has nothing left to do for these tasks (the Job controller's
	// ready count and the pods' own updates may come after the Running status), so that every reconcile
	// in it is one the progress writes caused.
	quiet, err := b.snapshot(ctx)
	if err != nil {
		return err
	}
	if err := b.settle(ctx, quiet, 0); err != nil {
		return err
	}
	runners := make([]*fakeRunner, 0, k)
	for _, name := range names {
		r, err := newFakeRunner(ctx, b.c, progressNamespace, name)
		if err != nil {
			return err
		}
		runners = append(runners, r)
	}
	// The steady window starts once the last change had time to be written (the sink writes at most once
	// per progress.DefaultKubeInterval).
	const sinkInterval = 2 * time.Second
	start, err := b.snapshot(ctx)
	if err != nil {
		return err
	}
	changeUntil := start.at.Add(b.cfg.progressChange)
	steadyFrom := changeUntil.Add(sinkInterval + 500*time.Millisecond)
	steadyUntil := changeUntil.Add(b.cfg.progressSteady)
	done := make(chan struct{}, len(runners))
	for _, r := range runners {
		go func() {
			r.run(ctx, b.cfg.progressInterval, changeUntil, steadyUntil)
			done <- struct{}{}
		}()
	}
	sleepUntil(ctx, changeUntil)
	changed, err := b.snapshot(ctx)
	if err != nil {
		return err
	}
	sleepUntil(ctx, steadyFrom)
	steady, err := b.snapshot(ctx)
	if err != nil {
		return err
	}
	for range runners {
		<-done
	}
	end, err := b.snapshot(ctx)
	if err != nil {
		return err
	}
	for _, r := range runners {
		r.finish()
	}

	statusWrites := func(a, z snapshot) float64 {
		var n float64
		for what, v := range apiserverWrites(a.apiserver, z.apiserver) {
			if strings.HasSuffix(what, " videotasks/status") {
				n += v
			}
		}
		return n
	}
	taskMinutes := func(a, z time.Time) float64 { return float64(k) * z.Sub(a).Minutes() }
	var sentChanging, sentSteady int
	for _, r := range runners {
		sentChanging += r.writes.between(start.at, changeUntil)
		sentSteady += r.writes.between(steadyFrom, steadyUntil)
	}
	changing := statusWrites(start, changed) / taskMinutes(start.at, changed.at)
	b.rep.add(sectionWrites, fmt.Sprintf("progress writes per running task-minute, reports every %s", b.cfg.progressInterval),
		fmt.Sprintf("%.1f (runners sent %.1f)", changing, float64(sentChanging)/taskMinutes(start.at, changeUntil)), "<= 30", atMost(changing, 30))
	unchanged := statusWrites(steady, end)
	b.rep.add(sectionWrites, "progress writes while the reported progress does not change",
		fmt.Sprintf("%.0f in %.1f task-minutes (runners sent %d)", unchanged, taskMinutes(steady.at, end.at), sentSteady), "0", equal(unchanged, 0))
	runnerWrites, err := b.audit.writes(start.audit, end.audit, "system:serviceaccount:"+progressNamespace+":", "")
	if err != nil {
		return err
	}
	var audited int
	for _, v := range runnerWrites {
		audited += v
	}
	b.rep.note("progress phase: %d tasks, %d writes by the runners' ServiceAccount in the audit log (%v)", k, audited, runnerWrites)

	opWrites, err := b.operatorWrites(start, end)
	if err != nil {
		return err
	}
	var opCount float64
	for what, v := range opWrites {
		if !isLease(what) {
			opCount += float64(v)
		}
	}
	recs := taskReconciles(start, end)
	b.rep.add(sectionRecon, "reconciles caused by progress writes", fmt.Sprintf("%.0f (%d running tasks, %s)", recs, k, seconds(end.at.Sub(start.at))), "0", equal(recs, 0))
	b.rep.add(sectionWrites, "operator writes caused by progress writes", fmt.Sprintf("%.0f", opCount), "0", equal(opCount, 0))
	return nil
}

// restartKwok restarts kwok so that pods run for d before they succeed.
func (b *bench) restartKwok(ctx context.Context, d time.Duration) error {
	script := filepath.Join(b.cfg.root, "hack", "kwok.sh")
	for _, args := range [][]string{{"stop"}, {"start", "langflix"}} {
		cmd := exec.CommandContext(ctx, script, args...)
		cmd.Env = append(os.Environ(), fmt.Sprintf("KWOK_RUN_MS=%d", d.Milliseconds()))
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("hack/kwok.sh %s: %w", strings.Join(args, " "), err)
		}
	}
	return nil
}

func sleepUntil(ctx context.Context, t time.Time) {
	select {
	case <-ctx.Done():
	case <-time.After(time.Until(t)):
	}
}

// finish adds what describes the whole run: the machine, the control plane's memory, the peak RSS over
// the run, and the runner benchmark.
func (b *bench) finish() {
	if b.mgr != nil && b.mgr.cmd != nil {
		b.peakRSS = max(b.peakRSS, b.mgr.rss.highWater())
	}
	if b.peakRSS > 0 {
		limit := b.chart.managerMemoryLimit()
		value := mib(b.peakRSS)
		if limit > 0 {
			value += fmt.Sprintf(" (chart limit %s)", mib(limit))
		}
		b.rep.add(sectionMemory, "peak RSS over the whole run (VmHWM)", value, "<= 150 MiB", atMost(float64(b.peakRSS), 150<<20))
	}
	if b.cfg.ffmpegBench != "" {
		if ratio, line, err := runnerDirectRatio(b.cfg.ffmpegBench); err != nil {
			b.rep.note("make bench: %v", err)
		} else {
			b.rep.add(sectionRunner, "runner / direct ffmpeg, 5 clips", fmt.Sprintf("%.3f", ratio), "<= 1.15", atMost(ratio, 1.15))
			b.rep.note("make bench: %s", line)
		}
	}
	b.rep.note("machine: %s", b.machine.describe())
	if cp := controlPlaneMemory(b.cfg.clusterDir); cp != "" {
		b.rep.note("control plane RSS at the end: %s", cp)
	}
}

// latencyTable is the mean request latency per write verb and resource between two scrapes.
func latencyTable(title string, before, after samples) table {
	by := []string{"verb", "resource", "subresource"}
	sums := delta(before, after, "apiserver_request_duration_seconds_sum", nil, by...)
	counts := delta(before, after, "apiserver_request_duration_seconds_count", nil, by...)
	t := table{title: title, header: []string{"request", "count", "mean"}}
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		parts := strings.SplitN(k, "/", 3)
		if len(parts) != 3 || !slices.Contains([]string{"POST", "PUT", "PATCH", "APPLY", "DELETE"}, parts[0]) || counts[k] < 1 {
			continue
		}
		what := parts[0] + " " + parts[1]
		if parts[2] != "" {
			what += "/" + parts[2]
		}
		t.rows = append(t.rows, []string{what, fmt.Sprintf("%.0f", counts[k]), fmt.Sprintf("%.0f ms", 1000*sums[k]/counts[k])})
	}
	return t
}

// queueTable is the manager's side of the task phase: how long a task waited in the work queue, how long
// a reconcile took, and the latency of its own requests, as the manager measured them.
func queueTable(before, after samples) table {
	mean := func(name string, match map[string]string) string {
		s := delta(before, after, name+"_sum", match)[""]
		c := delta(before, after, name+"_count", match)[""]
		if c == 0 {
			return "-"
		}
		return fmt.Sprintf("%.0f ms (%.0f)", 1000*s/c, c)
	}
	vt := map[string]string{"controller": tasksv1.KindVideoTask}
	return table{title: "The manager's view of the task phase (mean, count)", header: []string{"what", "mean (count)"}, rows: [][]string{
		{"time a task waited in the work queue", mean("workqueue_queue_duration_seconds", map[string]string{"name": tasksv1.KindVideoTask})},
		{"reconcile", mean("controller_runtime_reconcile_time_seconds", vt)},
		{"request latency, all verbs", mean("rest_client_request_duration_seconds", nil)},
	}}
}
