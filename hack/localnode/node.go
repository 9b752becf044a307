package main

import (
	"context"
	"encoding/json"
	"runtime"
	"runtime/debug"
	"strings"
	"time"

	"github.com/virtual-kubelet/virtual-kubelet/log"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/util/retry"
)

// Taints that only the node-lifecycle controller removes; localnode clusters run without it.
var lifecycleTaints = map[string]bool{
	corev1.TaintNodeNotReady:    true,
	corev1.TaintNodeUnreachable: true,
}

// nodeSpec describes the Node localnode registers: loopback address, declared capacity, and conditions
// that start not ready until virtual-kubelet reports the node ready.
func nodeSpec(name string, port int32, capacity corev1.ResourceList) corev1.Node {
	now := metav1.Now()
	condition := func(t corev1.NodeConditionType, status corev1.ConditionStatus, reason, message string) corev1.NodeCondition {
		return corev1.NodeCondition{Type: t, Status: status, Reason: reason, Message: message, LastHeartbeatTime: now, LastTransitionTime: now}
	}
	return corev1.Node{
		ObjectMeta: metav1.ObjectMeta{
			Name: name,
			Labels: map[string]string{
				"type":                   "virtual-kubelet",
				"kubernetes.io/role":     "agent",
				"kubernetes.io/hostname": name,
				"kubernetes.io/os":       runtime.GOOS,
				"kubernetes.io/arch":     runtime.GOARCH,
				"langflix.dev/localnode": "true",
			},
		},
		Status: corev1.NodeStatus{
			Phase:       corev1.NodePending,
			Capacity:    capacity.DeepCopy(),
			Allocatable: capacity.DeepCopy(),
			Conditions: []corev1.NodeCondition{
				condition(corev1.NodeReady, corev1.ConditionFalse, "KubeletNotReady", "localnode is starting"),
				condition(corev1.NodeMemoryPressure, corev1.ConditionFalse, "KubeletHasSufficientMemory", "not measured by localnode"),
				condition(corev1.NodeDiskPressure, corev1.ConditionFalse, "KubeletHasNoDiskPressure", "not measured by localnode"),
				condition(corev1.NodePIDPressure, corev1.ConditionFalse, "KubeletHasSufficientPID", "not measured by localnode"),
				condition(corev1.NodeNetworkUnavailable, corev1.ConditionFalse, "RouteCreated", "processes share the host network"),
			},
			Addresses: []corev1.NodeAddress{
				{Type: corev1.NodeInternalIP, Address: "127.0.0.1"},
				{Type: corev1.NodeHostName, Address: name},
			},
			DaemonEndpoints: corev1.NodeDaemonEndpoints{KubeletEndpoint: corev1.DaemonEndpoint{Port: port}},
			NodeInfo: corev1.NodeSystemInfo{
				OperatingSystem:         runtime.GOOS,
				Architecture:            runtime.GOARCH,
				KubeletVersion:          kubeletVersion(),
				ContainerRuntimeVersion: "localnode://processes",
			},
		},
	}
}

// kubeletVersion derives the Kubernetes version localnode speaks from its client-go version (v0.X.Y is
// Kubernetes v1.X.Y).
func kubeletVersion() string {
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, dep := range info.Deps {
			if dep.Path == "k8s.io/client-go" {
				return "v1." + strings.TrimPrefix(dep.Version, "v0.") + "-localnode"
			}
		}
	}
	return "localnode"
}

// keepSchedulable removes the lifecycle taints whenever the node is Ready. The API server adds
// node.kubernetes.io/not-ready at registration, and without a node-lifecycle controller nothing would
// remove it, so no pod would ever be scheduled here.
// It checks every second until the node is Ready and clean (pods wait for that), then every ten seconds.
func keepSchedulable(ctx context.Context, client kubernetes.Interface, name string) {
	interval := time.Second
	for {
		clean, err := untaint(ctx, client, name)
		if err != nil && ctx.Err() == nil {
			log.G(ctx).WithError(err).Warn("could not remove lifecycle taints")
		}
		if clean {
			interval = 10 * time.Second
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(interval):
		}
	}
}

// untaint removes the lifecycle taints of a Ready node; clean reports a Ready node without them.
func untaint(ctx context.Context, client kubernetes.Interface, name string) (clean bool, err error) {
	err = retry.RetryOnConflict(retry.DefaultRetry, func() error {
		node, err := client.CoreV1().Nodes().Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return err
		}
		if !isReady(node) {
			return nil
		}
		clean = true
		kept := node.Spec.Taints[:0:0]
		for _, t := range node.Spec.Taints {
			if !lifecycleTaints[t.Key] {
				kept = append(kept, t)
			}
		}
		if len(kept) == len(node.Spec.Taints) {
			return nil
		}
		node.Spec.Taints = kept
		if _, err := client.CoreV1().Nodes().Update(ctx, node, metav1.UpdateOptions{}); err != nil {
			return err
		}
		log.G(ctx).Info("removed lifecycle taints from the node")
		return nil
	})
	return clean, err
}

func isReady(node *corev1.Node) bool {
	for _, c := range node.Status.Conditions {
		if c.Type == corev1.NodeReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

// markNotReady reports the node as stopped, so that `kubectl get nodes` does not show a node that is gone
// as Ready (nothing else would: the node-lifecycle controller does not run).
func markNotReady(ctx context.Context, client kubernetes.Interface, name string) error {
	now := metav1.Now()
	patch, err := json.Marshal(map[string]any{"status": map[string]any{"conditions": []corev1.NodeCondition{{
		Type: corev1.NodeReady, Status: corev1.ConditionFalse, Reason: "KubeletStopped", Message: "localnode stopped",
		LastHeartbeatTime: now, LastTransitionTime: now,
	}}}})
	if err != nil {
		return err
	}
	_, err = client.CoreV1().Nodes().Patch(ctx, name, types.StrategicMergePatchType, patch, metav1.PatchOptions{}, "status")
	return err
}
