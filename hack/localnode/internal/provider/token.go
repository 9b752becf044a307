package provider

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"time"

	"github.com/virtual-kubelet/virtual-kubelet/log"
	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// kubeconfigName is the file written next to an API token in a projected volume.
const kubeconfigName = "kubeconfig"

// tokenFile is a service account token written into a projected volume.
type tokenFile struct {
	dir        string
	path       string // relative to dir
	audience   string
	lifetime   int64 // requested expirationSeconds
	kubeconfig string

	mu          sync.Mutex
	nextRefresh time.Time
}

// writeToken requests a token for the pod's service account, bound to the pod, and writes it. A token for
// the API server's own audience also gets a kubeconfig next to it (server URL and CA of the cluster the node
// talks to, the token as tokenFile, the pod's namespace as default), because a process cannot use the
// in-cluster configuration.
func (p *Provider) writeToken(ctx context.Context, dir string, pod *corev1.Pod, src *corev1.ServiceAccountTokenProjection) (*tokenFile, error) {
	lifetime := int64(3600)
	if src.ExpirationSeconds != nil {
		lifetime = *src.ExpirationSeconds
	}
	tf := &tokenFile{dir: dir, path: src.Path, audience: src.Audience, lifetime: lifetime}
	if err := p.requestToken(ctx, pod, tf); err != nil {
		return nil, err
	}
	if tf.audience != "" {
		return tf, nil
	}
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters["cluster"] = &clientcmdapi.Cluster{Server: p.cfg.ClusterServer, CertificateAuthorityData: p.cfg.ClusterCA}
	cfg.AuthInfos["serviceaccount"] = &clientcmdapi.AuthInfo{TokenFile: filepath.Join(dir, src.Path)}
	cfg.Contexts["pod"] = &clientcmdapi.Context{Cluster: "cluster", AuthInfo: "serviceaccount", Namespace: pod.Namespace}
	cfg.CurrentContext = "pod"
	data, err := clientcmd.Write(*cfg)
	if err != nil {
		return nil, err
	}
	if err := writeFileAtomic(dir, kubeconfigName, data, 0o600); err != nil {
		return nil, err
	}
	tf.kubeconfig = filepath.Join(dir, kubeconfigName)
	return tf, nil
}

func (p *Provider) requestToken(ctx context.Context, pod *corev1.Pod, tf *tokenFile) error {
	req := &authenticationv1.TokenRequest{Spec: authenticationv1.TokenRequestSpec{
		ExpirationSeconds: &tf.lifetime,
		BoundObjectRef:    &authenticationv1.BoundObjectReference{Kind: "Pod", APIVersion: "v1", Name: pod.Name, UID: pod.UID},
	}}
	if tf.audience != "" {
		req.Spec.Audiences = []string{tf.audience}
	}
	sa := pod.Spec.ServiceAccountName
	if sa == "" {
		sa = "default"
	}
	resp, err := p.cfg.Client.CoreV1().ServiceAccounts(pod.Namespace).CreateToken(ctx, sa, req, metav1.CreateOptions{})
	if err != nil {
		return fmt.Errorf("request token for service account %s/%s: %w", pod.Namespace, sa, err)
	}
	if err := writeFileAtomic(tf.dir, tf.path, []byte(resp.Status.Token), 0o600); err != nil {
		return err
	}
	// Renew at 80% of the lifetime, as the kubelet does.
	now := time.Now()
	tf.setRefreshAt(now.Add(resp.Status.ExpirationTimestamp.Sub(now) * 8 / 10))
	return nil
}

func (tf *tokenFile) setRefreshAt(t time.Time) {
	tf.mu.Lock()
	defer tf.mu.Unlock()
	tf.nextRefresh = t
}

func (tf *tokenFile) refreshAt() time.Time {
	tf.mu.Lock()
	defer tf.mu.Unlock()
	return tf.nextRefresh
}

// refreshTokens renews the pod's tokens in the background until the returned stop function is called.
func (p *Provider) refreshTokens(pod *corev1.Pod, tokens []*tokenFile) (stop func()) {
	ctx, cancel := context.WithCancel(p.ctx)
	go func() {
		for {
			next := tokens[0].refreshAt()
			for _, tf := range tokens[1:] {
				if t := tf.refreshAt(); t.Before(next) {
					next = t
				}
			}
			timer := time.NewTimer(time.Until(next))
			select {
			case <-ctx.Done():
				timer.Stop()
				return
			case <-timer.C:
			}
			for _, tf := range tokens {
				if time.Now().Before(tf.refreshAt()) {
					continue
				}
				if err := p.requestToken(ctx, pod, tf); err != nil {
					log.G(ctx).WithError(err).WithField("pod", podKey(pod.Namespace, pod.Name)).Warn("token refresh failed; retrying in 10s")
					tf.setRefreshAt(time.Now().Add(10 * time.Second))
				}
			}
		}
	}()
	return cancel
}
