package provider

import (
	"context"
	"fmt"
	"io"
	"net"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/virtual-kubelet/virtual-kubelet/errdefs"
	"github.com/virtual-kubelet/virtual-kubelet/node/api"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	statsv1alpha1 "k8s.io/kubelet/pkg/apis/stats/v1alpha1"
)

// RunInContainer is not supported: there is no container to enter. Run the command on the host instead.
func (p *Provider) RunInContainer(context.Context, string, string, string, []string, api.AttachIO) error {
	return errdefs.InvalidInput("kubectl exec is not supported by localnode: containers are host processes, run the command on the host")
}

// AttachToContainer is not supported: processes have no terminal and their output goes to log files.
func (p *Provider) AttachToContainer(context.Context, string, string, string, api.AttachIO) error {
	return errdefs.InvalidInput("kubectl attach is not supported by localnode; use kubectl logs -f")
}

// PortForward connects the stream to the port on the loopback address, where the pod's processes listen
// because they share the node's network.
func (p *Provider) PortForward(ctx context.Context, namespace, pod string, port int32, stream io.ReadWriteCloser) error {
	if p.lookup(namespace, pod) == nil {
		return errdefs.NotFoundf("pod %s/%s is not running on this node", namespace, pod)
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", net.JoinHostPort("127.0.0.1", fmt.Sprint(port)))
	if err != nil {
		return err
	}
	defer conn.Close()
	done := make(chan struct{}, 2)
	go func() { _, _ = io.Copy(conn, stream); done <- struct{}{} }()
	go func() { _, _ = io.Copy(stream, conn); done <- struct{}{} }()
	select {
	case <-done:
	case <-ctx.Done():
	}
	return nil
}

// GetStatsSummary reports the node and its pods without usage figures: localnode does not meter processes.
func (p *Provider) GetStatsSummary(ctx context.Context) (*statsv1alpha1.Summary, error) {
	pods, err := p.GetPods(ctx)
	if err != nil {
		return nil, err
	}
	now := metav1.NewTime(time.Now())
	summary := &statsv1alpha1.Summary{Node: statsv1alpha1.NodeStats{NodeName: p.cfg.NodeName, StartTime: now}}
	for _, pod := range pods {
		summary.Pods = append(summary.Pods, statsv1alpha1.PodStats{
			PodRef:    statsv1alpha1.PodReference{Name: pod.Name, Namespace: pod.Namespace, UID: string(pod.UID)},
			StartTime: *pod.Status.StartTime,
		})
	}
	return summary, nil
}

// GetMetricsResource returns no metrics: localnode does not meter processes.
func (p *Provider) GetMetricsResource(context.Context) ([]*dto.MetricFamily, error) {
	return nil, nil
}
