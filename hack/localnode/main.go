// Command localnode is a Kubernetes node for development and tests that runs each pod's containers as local
// processes. It registers itself through virtual-kubelet, maps container images to binaries already on the
// machine (--image-map) and maps volumes to host directories. It is never part of an image; see README.md.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/sirupsen/logrus"
	"github.com/virtual-kubelet/virtual-kubelet/log"
	logruslogger "github.com/virtual-kubelet/virtual-kubelet/log/logrus"
)

func main() {
	cfg, err := parseFlags(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "localnode:", err)
		os.Exit(2)
	}
	logger := logrus.New()
	logger.SetLevel(cfg.logLevel)
	logger.SetFormatter(&logrus.TextFormatter{FullTimestamp: true})
	log.L = logruslogger.FromLogrus(logrus.NewEntry(logger))

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, cfg); err != nil && !errors.Is(err, context.Canceled) {
		log.L.WithError(err).Error("localnode failed")
		os.Exit(1)
	}
}
