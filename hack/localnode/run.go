package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"strconv"
	"time"

	"github.com/virtual-kubelet/virtual-kubelet/log"
	vknode "github.com/virtual-kubelet/virtual-kubelet/node"
	"github.com/virtual-kubelet/virtual-kubelet/node/api"
	"github.com/virtual-kubelet/virtual-kubelet/node/nodeutil"
	"golang.org/x/time/rate"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apiserver/pkg/server/dynamiccertificates"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/kubernetes/scheme"
	typedcorev1 "k8s.io/client-go/kubernetes/typed/core/v1"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/client-go/tools/record"
	"k8s.io/client-go/util/workqueue"

	"github.com/langflix/langflix-operator/hack/localnode/internal/launch"
	"github.com/langflix/langflix-operator/hack/localnode/internal/provider"
)

// alwaysPassedEnv are the variables of localnode's own environment every process gets.
var alwaysPassedEnv = []string{"PATH", "HOME", "USER", "LOGNAME", "LANG", "LC_ALL", "TZ"}

func run(ctx context.Context, cfg config) error {
	restCfg, err := clientcmd.BuildConfigFromFlags("", cfg.kubeconfig)
	if err != nil {
		return fmt.Errorf("load kubeconfig: %w", err)
	}
	restCfg.QPS, restCfg.Burst = float32(cfg.apiQPS), cfg.apiBurst
	restCfg.UserAgent = "localnode/" + cfg.nodeName
	client, err := kubernetes.NewForConfig(restCfg)
	if err != nil {
		return err
	}
	clusterCA, err := clusterCA(restCfg)
	if err != nil {
		return err
	}

	broadcaster := record.NewBroadcaster()
	broadcaster.StartRecordingToSink(&typedcorev1.EventSinkImpl{Interface: client.CoreV1().Events("")})
	defer broadcaster.Shutdown()
	recorder := broadcaster.NewRecorder(scheme.Scheme, corev1.EventSource{Component: "localnode", Host: cfg.nodeName})

	prov, err := provider.New(provider.Config{
		NodeName:       cfg.nodeName,
		StateDir:       cfg.stateDir,
		Images:         cfg.images,
		Client:         client,
		Recorder:       recorder,
		ClusterServer:  restCfg.Host,
		ClusterCA:      clusterCA,
		Allocatable:    cfg.capacity,
		HostEnv:        hostEnv(append(append([]string{}, alwaysPassedEnv...), cfg.passEnv...)),
		RestartBackoff: cfg.restartBackoff,
		ShutdownGrace:  cfg.shutdownGrace,
	})
	if err != nil {
		return err
	}
	defer prov.Shutdown()

	// virtual-kubelet builds a default client from $KUBECONFIG before options apply and warns when it
	// cannot; point it at the same file (processes do not inherit localnode's environment).
	if err := os.Setenv("KUBECONFIG", cfg.kubeconfig); err != nil {
		return err
	}
	_, portText, _ := net.SplitHostPort(cfg.listenAddress)
	port, _ := strconv.Atoi(portText)
	mux := http.NewServeMux()
	opts := []nodeutil.NodeOpt{
		nodeutil.WithClient(client),
		func(nc *nodeutil.NodeConfig) error {
			nc.NodeSpec = nodeSpec(cfg.nodeName, int32(port), cfg.capacity)
			nc.EventRecorder = recorder
			nc.NumWorkers = cfg.podSyncWorkers
			nc.HTTPListenAddr = cfg.listenAddress
			nc.InformerResyncPeriod = time.Minute
			// localnode resolves env itself: pod IPs are loopback and references are read from the API.
			nc.SkipDownwardAPIResolution = true
			nc.PodControllerConfigOpts = append(nc.PodControllerConfigOpts, withQueueRateLimits)
			return nil
		},
		nodeutil.AttachProviderRoutes(mux),
	}
	if cfg.tlsCertFile != "" {
		opts = append(opts, withAuthenticatedAPI(cfg, mux), nodeutil.WithTLSConfig(
			nodeutil.WithKeyPairFromPath(cfg.tlsCertFile, cfg.tlsKeyFile),
			nodeutil.WithCAFromPath(cfg.clientCAFile),
		))
	}
	node, err := nodeutil.NewNode(cfg.nodeName,
		func(pc nodeutil.ProviderConfig) (nodeutil.Provider, vknode.NodeProvider, error) {
			prov.SetPodLister(pc.Pods)
			return prov, nil, nil
		}, opts...)
	if err != nil {
		return err
	}

	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	go node.Run(runCtx) //nolint:errcheck // the error is read through node.Err
	if err := node.WaitReady(runCtx, 0); err != nil {
		return fmt.Errorf("node did not become ready: %w", err)
	}
	log.G(ctx).WithField("node", cfg.nodeName).WithField("images", cfg.images.String()).Info("localnode is ready")
	go keepSchedulable(runCtx, client, cfg.nodeName)

	select {
	case <-ctx.Done():
	case <-node.Done():
	}
	log.G(ctx).Info("stopping: controllers first, then every process")
	cancel()
	<-node.Done()
	prov.Shutdown()
	stopCtx, stopCancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer stopCancel()
	if err := markNotReady(stopCtx, client, cfg.nodeName); err != nil {
		log.G(ctx).WithError(err).Warn("could not mark the node not ready")
	}
	if ctx.Err() != nil {
		return nil
	}
	return node.Err()
}

// withAuthenticatedAPI protects the node API like the kubelet's: client certificates signed by the client
// CA, authorized through SubjectAccessReview against the API server (the API server's kubelet client is
// allowed nodes/log and nodes/proxy).
func withAuthenticatedAPI(cfg config, mux *http.ServeMux) nodeutil.NodeOpt {
	return func(nc *nodeutil.NodeConfig) error {
		auth, err := nodeutil.WebhookAuth(nc.Client, cfg.nodeName, func(wc *nodeutil.WebhookAuthConfig) error {
			var err error
			wc.AuthnConfig.ClientCertificateCAContentProvider, err = dynamiccertificates.NewDynamicCAContentFromFile("client-ca", cfg.clientCAFile)
			return err
		})
		if err != nil {
			return err
		}
		nc.Handler = api.InstrumentHandler(nodeutil.WithAuth(auth, mux))
		return nil
	}
}

// clusterCA returns the CA bundle the node trusts for the API server; pods' kubeconfigs use the same.
func clusterCA(cfg *rest.Config) ([]byte, error) {
	if len(cfg.TLSClientConfig.CAData) > 0 {
		return cfg.TLSClientConfig.CAData, nil
	}
	if cfg.TLSClientConfig.CAFile != "" {
		data, err := os.ReadFile(cfg.TLSClientConfig.CAFile)
		if err != nil {
			return nil, fmt.Errorf("read cluster CA: %w", err)
		}
		return data, nil
	}
	return nil, nil
}

func hostEnv(names []string) []launch.EnvVar {
	var env []launch.EnvVar
	seen := map[string]bool{}
	for _, name := range names {
		if v, ok := os.LookupEnv(name); ok && !seen[name] {
			seen[name] = true
			env = append(env, launch.EnvVar{Name: name, Value: v})
		}
	}
	return env
}

// withQueueRateLimits replaces client-go's default controller rate limiter on virtual-kubelet's queues. That
// one caps a whole queue at 10 items per second; with a hundred pods on the node, a pod's deletion (or
// eviction) then waited behind status retries for longer than its process lived, so the process was never
// stopped, unlike on a kubelet. Failed items still back off exponentially, to 10s at most.
func withQueueRateLimits(pc *vknode.PodControllerConfig) error {
	limiter := func() workqueue.TypedRateLimiter[any] {
		return workqueue.NewTypedMaxOfRateLimiter(
			workqueue.NewTypedItemExponentialFailureRateLimiter[any](5*time.Millisecond, 10*time.Second),
			&workqueue.TypedBucketRateLimiter[any]{Limiter: rate.NewLimiter(rate.Limit(500), 2000)},
		)
	}
	pc.SyncPodsFromKubernetesRateLimiter = limiter()
	pc.DeletePodsFromKubernetesRateLimiter = limiter()
	pc.SyncPodStatusFromProviderRateLimiter = limiter()
	return nil
}
