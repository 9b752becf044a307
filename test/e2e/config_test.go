//go:build e2e

package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"

	"github.com/langflix/langflix-operator/test/testutil"
)

// Every Eventually in the suite uses one of these bounds, sized for a 2-core machine shared with builds.
const (
	// apiTimeout bounds what the API server, the operator or the Job controller do at once: an object
	// appearing or going, a status the operator writes right after an event.
	apiTimeout = 60 * time.Second
	// taskTimeout bounds a whole VideoTask over the 90-second test video (about a minute when idle).
	taskTimeout = 6 * time.Minute
	// cronTimeout bounds a CronJob run: the next minute boundary plus the run itself.
	cronTimeout = 3 * time.Minute
	// poll is the polling interval of every Eventually and Consistently.
	poll = 250 * time.Millisecond
	// noRetryWindow is how long a finished task must keep its single attempt. Tasks that check it retry
	// after a 1-second backoff, so a wrongly scheduled retry would show well within it.
	noRetryWindow = 5 * time.Second
)

// Helm release of the operator under test.
const (
	releaseName      = "langflix-operator"
	releaseNamespace = "langflix-system"
	// imageTag is the tag the chart is installed with; localnode maps the images by repository, any tag.
	imageTag = "e2e"
)

// suiteConfig is where the suite finds the cluster and its tools; hack/e2e.sh sets the variables.
type suiteConfig struct {
	// kubeconfig is the cluster's admin kubeconfig (E2E_KUBECONFIG).
	kubeconfig string
	// clusterDir is the cluster's state folder (E2E_CLUSTER_DIR): node/pods/<ns>_<pod>/ holds every pod's
	// process logs, volumes/ the suite's media folder.
	clusterDir string
	// kubectl and helm are the binaries built by hack/build-k8s-binaries.sh (E2E_K8S_BIN, else PATH).
	kubectl, helm string
	// metricsPort and probePort are the operator's host ports (E2E_METRICS_PORT, E2E_PROBE_PORT).
	metricsPort, probePort int
	// root is the module root, for the chart.
	root string
	// redisPort is where the queue specs run their redis-server (E2E_REDIS_PORT).
	redisPort int
	// kueue says Kueue runs beside the cluster (E2E_KUEUE=1, set by hack/e2e.sh after hack/kueue.sh start).
	kueue bool
}

// podLogDir is the folder where localnode keeps the logs of a pod's containers.
func (c suiteConfig) podLogDir(namespace, pod string) string {
	return filepath.Join(c.clusterDir, "node", "pods", namespace+"_"+pod)
}

func loadConfig() (suiteConfig, error) {
	c := suiteConfig{
		kubeconfig: os.Getenv("E2E_KUBECONFIG"),
		clusterDir: os.Getenv("E2E_CLUSTER_DIR"),
	}
	if c.kubeconfig == "" || c.clusterDir == "" {
		return c, fmt.Errorf("E2E_KUBECONFIG and E2E_CLUSTER_DIR must name a local cluster's kubeconfig and " +
			"folder: run `make test-e2e` (hack/e2e.sh), see the package documentation")
	}
	var err error
	if c.kubectl, err = tool("kubectl"); err != nil {
		return c, err
	}
	if c.helm, err = tool("helm"); err != nil {
		return c, err
	}
	if c.metricsPort, err = port("E2E_METRICS_PORT", 37481); err != nil {
		return c, err
	}
	if c.probePort, err = port("E2E_PROBE_PORT", 37482); err != nil {
		return c, err
	}
	if c.redisPort, err = port("E2E_REDIS_PORT", 37486); err != nil {
		return c, err
	}
	c.kueue = os.Getenv("E2E_KUEUE") == "1"
	if c.root, err = testutil.ModuleRoot(); err != nil {
		return c, err
	}
	for _, t := range []string{"ffmpeg", "ffprobe"} {
		if _, err := exec.LookPath(t); err != nil {
			return c, fmt.Errorf("%s is needed to make and check media (hack/install-deps.sh): %w", t, err)
		}
	}
	return c, nil
}

// tool finds a Kubernetes binary in E2E_K8S_BIN, else on PATH.
func tool(name string) (string, error) {
	if dir := os.Getenv("E2E_K8S_BIN"); dir != "" {
		p := filepath.Join(dir, name)
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("E2E_K8S_BIN=%s has no %s (hack/build-k8s-binaries.sh cluster): %w", dir, name, err)
		}
		return p, nil
	}
	p, err := exec.LookPath(name)
	if err != nil {
		return "", fmt.Errorf("%s not found: set E2E_K8S_BIN=$(hack/build-k8s-binaries.sh path): %w", name, err)
	}
	return p, nil
}

func port(env string, def int) (int, error) {
	v := os.Getenv(env)
	if v == "" {
		return def, nil
	}
	p, err := strconv.Atoi(v)
	if err != nil || p < 1 || p > 65535 {
		return 0, fmt.Errorf("%s=%q is not a port number", env, v)
	}
	return p, nil
}
