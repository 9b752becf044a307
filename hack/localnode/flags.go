package main

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/sirupsen/logrus"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/langflix/langflix-operator/hack/localnode/internal/imagemap"
)

// config is the parsed command line.
type config struct {
	nodeName       string
	kubeconfig     string
	stateDir       string
	images         imagemap.Map
	listenAddress  string
	tlsCertFile    string
	tlsKeyFile     string
	clientCAFile   string
	capacity       corev1.ResourceList
	passEnv        []string
	restartBackoff time.Duration
	shutdownGrace  time.Duration
	podSyncWorkers int
	apiQPS         float64
	apiBurst       int
	logLevel       logrus.Level
}

// stringList is a repeatable string flag.
type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

func parseFlags(args []string) (config, error) {
	var cfg config
	home, _ := os.UserHomeDir()
	fs := flag.NewFlagSet("localnode", flag.ContinueOnError)
	fs.StringVar(&cfg.nodeName, "nodename", "localnode", "name of the Node to register")
	fs.StringVar(&cfg.kubeconfig, "kubeconfig", os.Getenv("KUBECONFIG"), "kubeconfig of the cluster to join (default $KUBECONFIG)")
	fs.StringVar(&cfg.stateDir, "state-dir", filepath.Join(home, ".cache", "langflix", "cluster", "node"),
		"directory for pod logs, termination files, emptyDirs and projected volumes")
	fs.Var(&cfg.images, "image-map", "PATTERN=PATH: run containers whose image matches PATTERN with the local executable PATH "+
		"(repeatable, first match wins; a trailing * in PATTERN matches any tag, e.g. example.com/app:*=/usr/local/bin/app; "+
		"a PATH ending in / is a directory in which command[0] is looked up)")
	fs.StringVar(&cfg.listenAddress, "listen-address", "127.0.0.1:10250", "address of the node's HTTPS API (logs, port-forward)")
	fs.StringVar(&cfg.tlsCertFile, "tls-cert-file", "", "serving certificate of the node API; without it the API is not served")
	fs.StringVar(&cfg.tlsKeyFile, "tls-private-key-file", "", "private key of --tls-cert-file")
	fs.StringVar(&cfg.clientCAFile, "client-ca-file", "", "CA that signs client certificates allowed to call the node API (required with --tls-cert-file)")
	cpu := fs.String("cpu", "16", "CPU capacity the node declares (not enforced)")
	memory := fs.String("memory", "64Gi", "memory capacity the node declares (not enforced)")
	pods := fs.String("max-pods", "500", "number of pods the node accepts")
	fs.Var((*stringList)(&cfg.passEnv), "pass-env", "name of a variable of localnode's environment to pass to every process "+
		"(repeatable; PATH, HOME, USER, LOGNAME, LANG, LC_ALL and TZ always are)")
	fs.DurationVar(&cfg.restartBackoff, "restart-backoff", 10*time.Second, "first delay before restarting a failed container (doubles up to 5m)")
	fs.DurationVar(&cfg.shutdownGrace, "shutdown-grace", 5*time.Second, "on shutdown, time between SIGTERM and SIGKILL for running processes")
	fs.IntVar(&cfg.podSyncWorkers, "pod-sync-workers", 10, "pods handled concurrently by the pod controller")
	fs.Float64Var(&cfg.apiQPS, "kube-api-qps", 50, "requests per second to the API server")
	fs.IntVar(&cfg.apiBurst, "kube-api-burst", 100, "burst of requests to the API server")
	level := fs.String("log-level", "info", "debug, info, warn or error")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if cfg.kubeconfig == "" {
		return cfg, errors.New("--kubeconfig (or $KUBECONFIG) is required")
	}
	if len(cfg.images) == 0 {
		return cfg, errors.New("at least one --image-map is required; no pod could run without one")
	}
	if cfg.tlsCertFile != "" && (cfg.tlsKeyFile == "" || cfg.clientCAFile == "") {
		return cfg, errors.New("--tls-cert-file needs --tls-private-key-file and --client-ca-file")
	}
	if _, _, err := net.SplitHostPort(cfg.listenAddress); err != nil {
		return cfg, fmt.Errorf("--listen-address: %w", err)
	}
	var err error
	if cfg.logLevel, err = logrus.ParseLevel(*level); err != nil {
		return cfg, fmt.Errorf("--log-level: %w", err)
	}
	cfg.capacity = corev1.ResourceList{}
	for name, value := range map[corev1.ResourceName]string{corev1.ResourceCPU: *cpu, corev1.ResourceMemory: *memory, corev1.ResourcePods: *pods} {
		q, err := resource.ParseQuantity(value)
		if err != nil {
			return cfg, fmt.Errorf("capacity %s: %w", name, err)
		}
		cfg.capacity[name] = q
	}
	return cfg, nil
}
