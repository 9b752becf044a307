package main

import (
	"fmt"
	"os"

	"sigs.k8s.io/controller-runtime/pkg/envtest"
)

func main() {
	env := &envtest.Environment{CRDDirectoryPaths: []string{os.Args[1]}, ErrorIfCRDPathMissing: true, BinaryAssetsDirectory: os.Getenv("KUBEBUILDER_ASSETS")}
	_, err := env.Start()
	fmt.Println("start error:", err)
	_ = env.Stop()
}
