//go:build chaos

package chaos

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	authv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/langflix/langflix-operator/test/testutil"
)

// env is where the harness finds the cluster and the programs under test; hack/chaos.sh sets it up.
type env struct {
	// root is the module root (config/ manifests); bin holds manager, langflix-runner and chaos-runner.
	root, bin string
	// kubeconfig is the cluster's admin kubeconfig; clusterDir its state folder (volumes, logs).
	kubeconfig, clusterDir string
	// kubectl is the cluster's kubectl; clusterScript is hack/local-cluster.sh with the cluster's env.
	kubectl, clusterScript string
	// probePort is the operator's health port on 127.0.0.1.
	probePort int

	cfg *rest.Config
	c   client.WithWatch
	cs  kubernetes.Interface
}

const (
	operatorNamespace = "langflix-system"
	operatorAccount   = "langflix-operator"
	// runnerImage is what the operator puts in every Job; localnode maps it to bin/chaos-runner.
	runnerImage = "langflix-chaos-runner:chaos"
	claim       = "media"
)

func loadEnv(t *testing.T) *env {
	t.Helper()
	e := &env{
		root:          os.Getenv("CHAOS_ROOT"),
		bin:           os.Getenv("CHAOS_BIN"),
		kubeconfig:    os.Getenv("CHAOS_KUBECONFIG"),
		clusterDir:    os.Getenv("CHAOS_CLUSTER_DIR"),
		kubectl:       os.Getenv("CHAOS_KUBECTL"),
		clusterScript: os.Getenv("CHAOS_CLUSTER_SCRIPT"),
	}
	for name, v := range map[string]string{"CHAOS_ROOT": e.root, "CHAOS_BIN": e.bin, "CHAOS_KUBECONFIG": e.kubeconfig,
		"CHAOS_CLUSTER_DIR": e.clusterDir, "CHAOS_KUBECTL": e.kubectl, "CHAOS_CLUSTER_SCRIPT": e.clusterScript} {
		if v == "" {
			t.Fatalf("%s is not set: run the harness through `make chaos` (hack/chaos.sh)", name)
		}
	}
	port, err := strconv.Atoi(os.Getenv("CHAOS_PROBE_PORT"))
	if err != nil {
		t.Fatalf("CHAOS_PROBE_PORT: %v", err)
	}
	e.probePort = port
	if e.cfg, err = clientcmd.BuildConfigFromFlags("", e.kubeconfig); err != nil {
		t.Fatal(err)
	}
	e.cfg.QPS, e.cfg.Burst = 100, 200
	if e.c, err = client.NewWithWatch(e.cfg, client.Options{Scheme: testutil.Scheme()}); err != nil {
		t.Fatal(err)
	}
	if e.cs, err = kubernetes.NewForConfig(e.cfg); err != nil {
		t.Fatal(err)
	}
	return e
}

// run runs a program with the cluster's kubeconfig and returns its output.
func (e *env) run(ctx context.Context, bin string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(os.Environ(), "KUBECONFIG="+e.kubeconfig)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if err != nil {
		return out.String(), fmt.Errorf("%s %s: %w\n%s", filepath.Base(bin), strings.Join(args, " "), err, out.String())
	}
	return out.String(), nil
}

// install applies what the operator needs from config/ (CRDs, its RBAC, the runner's ClusterRole, the
// admission policies), as `kubectl apply -k config/default` would, without the in-cluster Deployment: the
// harness runs the manager itself, so it can kill it.
func (e *env) install(ctx context.Context) error {
	if err := e.ensureNamespace(ctx, operatorNamespace, nil); err != nil {
		return err
	}
	for _, dir := range []string{"config/crd", "config/rbac", "config/admission"} {
		if _, err := e.run(ctx, e.kubectl, "apply", "--server-side", "--force-conflicts", "-k", filepath.Join(e.root, dir)); err != nil {
			return err
		}
	}
	_, err := e.run(ctx, e.kubectl, "wait", "--for=condition=Established", "--timeout=60s",
		"crd/videotasks.tasks.langflix.io", "crd/slidetasks.tasks.langflix.io")
	return err
}

func (e *env) ensureNamespace(ctx context.Context, name string, labels map[string]string) error {
	err := e.c.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels}})
	if err != nil && !apierrors.IsAlreadyExists(err) {
		return err
	}
	return nil
}

// newNamespace creates a namespace for one scenario with a "media" claim on a host folder, the storage
// every task of the scenario mounts (and where the runners keep their ledger).
func (e *env) newNamespace(ctx context.Context, name string) (string, error) {
	dir := filepath.Join(e.clusterDir, "volumes", name+"_"+claim)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	if err := e.ensureNamespace(ctx, name, map[string]string{"langflix.dev/chaos": "true"}); err != nil {
		return "", err
	}
	size := resource.MustParse("10Gi")
	modes := []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce, corev1.ReadWriteMany}
	pv := &corev1.PersistentVolume{
		ObjectMeta: metav1.ObjectMeta{Name: name + "-" + claim, Labels: map[string]string{"langflix.dev/chaos": "true"}},
		Spec: corev1.PersistentVolumeSpec{
			Capacity: corev1.ResourceList{corev1.ResourceStorage: size}, AccessModes: modes,
			PersistentVolumeReclaimPolicy: corev1.PersistentVolumeReclaimRetain,
			PersistentVolumeSource:        corev1.PersistentVolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: dir}},
			ClaimRef:                      &corev1.ObjectReference{Namespace: name, Name: claim},
		},
	}
	pvc := &corev1.PersistentVolumeClaim{
		ObjectMeta: metav1.ObjectMeta{Name: claim, Namespace: name},
		Spec: corev1.PersistentVolumeClaimSpec{AccessModes: modes, StorageClassName: ptr.To(""), VolumeName: pv.Name,
			Resources: corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceStorage: size}}},
	}
	for _, obj := range []client.Object{pv, pvc} {
		if err := e.c.Create(ctx, obj); err != nil && !apierrors.IsAlreadyExists(err) {
			return "", err
		}
	}
	return dir, nil
}

// deleteNamespace removes a scenario's namespace and volume once the operator released its tasks.
func (e *env) deleteNamespace(ctx context.Context, name string) {
	_ = e.c.Delete(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}})
	_ = e.c.Delete(ctx, &corev1.PersistentVolume{ObjectMeta: metav1.ObjectMeta{Name: name + "-" + claim}})
}

// operator is the manager process under test, run on the host with the operator ServiceAccount's token,
// so every request it makes has exactly the rights config/rbac gives it.
type operator struct {
	e          *env
	kubeconfig string
	args       []string
	logPath    string
	cmd        *exec.Cmd
	done       chan struct{}
	// starts counts the processes started; kills those the harness killed with SIGKILL.
	starts, kills int
}

func (e *env) newOperator(ctx context.Context, extraArgs ...string) (*operator, error) {
	kubeconfig, err := e.operatorKubeconfig(ctx)
	if err != nil {
		return nil, err
	}
	o := &operator{e: e, kubeconfig: kubeconfig, logPath: filepath.Join(e.clusterDir, "logs", "chaos-operator.log")}
	o.args = append([]string{
		"--leader-elect=true", "--leader-election-namespace=" + operatorNamespace,
		"--runner-image=" + runnerImage, "--runner-image-pull-policy=IfNotPresent",
		"--runner-cpu-request=250m", "--runner-memory-request=32Mi", "--runner-memory-limit=256Mi",
		"--metrics-bind-address=0", fmt.Sprintf("--health-probe-bind-address=127.0.0.1:%d", e.probePort),
		"--max-concurrent-reconciles=8", "--kube-api-qps=100", "--kube-api-burst=200", "--v=2",
	}, extraArgs...)
	return o, nil
}

// operatorKubeconfig writes a kubeconfig with a token of the operator's ServiceAccount.
func (e *env) operatorKubeconfig(ctx context.Context) (string, error) {
	tr, err := e.cs.CoreV1().ServiceAccounts(operatorNamespace).CreateToken(ctx, operatorAccount,
		&authv1.TokenRequest{Spec: authv1.TokenRequestSpec{ExpirationSeconds: ptr.To[int64](6 * 3600)}}, metav1.CreateOptions{})
	if err != nil {
		return "", fmt.Errorf("token for %s/%s: %w", operatorNamespace, operatorAccount, err)
	}
	ca := e.cfg.CAData
	if len(ca) == 0 && e.cfg.CAFile != "" {
		if ca, err = os.ReadFile(e.cfg.CAFile); err != nil {
			return "", err
		}
	}
	kc := clientcmdapi.NewConfig()
	kc.Clusters["chaos"] = &clientcmdapi.Cluster{Server: e.cfg.Host, CertificateAuthorityData: ca}
	kc.AuthInfos["operator"] = &clientcmdapi.AuthInfo{Token: tr.Status.Token}
	kc.Contexts["chaos"] = &clientcmdapi.Context{Cluster: "chaos", AuthInfo: "operator"}
	kc.CurrentContext = "chaos"
	path := filepath.Join(e.clusterDir, "chaos-operator.kubeconfig")
	return path, clientcmd.WriteToFile(*kc, path)
}

// Start starts a manager process; its output goes to the cluster's logs.
func (o *operator) Start() error {
	log, err := os.OpenFile(o.logPath, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	fmt.Fprintf(log, "\n==== %s chaos harness starts the operator (start %d)\n", time.Now().Format(time.RFC3339), o.starts+1)
	cmd := exec.Command(filepath.Join(o.e.bin, "manager"), o.args...)
	cmd.Env = append(os.Environ(), "KUBECONFIG="+o.kubeconfig)
	cmd.Stdout, cmd.Stderr = log, log
	// Its own process group (a signal to the harness's terminal is not for it), but it dies with the harness.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		log.Close()
		return err
	}
	o.cmd, o.done = cmd, make(chan struct{})
	o.starts++
	go func() {
		_ = cmd.Wait()
		log.Close()
		close(o.done)
	}()
	// The health endpoint answers once the manager is set up (it may still wait for its lease then).
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		select {
		case <-o.done:
			return fmt.Errorf("the operator exited at once; see %s", o.logPath)
		default:
		}
		if resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/healthz", o.e.probePort)); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	return fmt.Errorf("the operator's /healthz did not answer within a minute; see %s", o.logPath)
}

// Kill kills the manager with SIGKILL, as a node failure or the OOM killer would, and waits until it is gone.
func (o *operator) Kill() {
	if o.cmd == nil {
		return
	}
	_ = o.cmd.Process.Signal(syscall.SIGKILL)
	<-o.done
	o.kills++
	o.cmd = nil
}

// Stop stops the manager with SIGTERM (it releases its lease) and waits up to 30s.
func (o *operator) Stop() {
	if o.cmd == nil {
		return
	}
	_ = o.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-o.done:
	case <-time.After(30 * time.Second):
		_ = o.cmd.Process.Signal(syscall.SIGKILL)
		<-o.done
	}
	o.cmd = nil
}

// Crashed reports whether the process the harness started last exited on its own.
func (o *operator) Crashed() bool {
	if o.cmd == nil {
		return false
	}
	select {
	case <-o.done:
		return true
	default:
		return false
	}
}

// Alive reports whether the process the harness started last still runs, and its pid.
func (o *operator) Alive() (int, bool) {
	if o.cmd == nil {
		return 0, false
	}
	select {
	case <-o.done:
		return o.cmd.Process.Pid, false
	default:
		return o.cmd.Process.Pid, true
	}
}
