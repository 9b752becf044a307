package provider

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/virtual-kubelet/virtual-kubelet/errdefs"
	"github.com/virtual-kubelet/virtual-kubelet/node/api"
)

// followPollInterval is how often a followed log is checked for new output.
const followPollInterval = 200 * time.Millisecond

// GetContainerLogs serves a container's log file (stdout and stderr interleaved, as written). tailLines,
// limitBytes, previous and follow are supported; timestamps and since* are not, because the files hold the
// raw output without per-line times.
func (p *Provider) GetContainerLogs(ctx context.Context, namespace, podName, containerName string, opts api.ContainerLogOpts) (io.ReadCloser, error) {
	logDir := filepath.Join(p.cfg.StateDir, "pods", namespace+"_"+podName)
	name := containerName + ".log"
	if opts.Previous {
		name = containerName + ".previous.log"
	}
	f, err := os.Open(filepath.Join(logDir, name))
	if errors.Is(err, os.ErrNotExist) {
		return nil, errdefs.NotFoundf("no log for container %q of pod %s/%s on this node", containerName, namespace, podName)
	}
	if err != nil {
		return nil, err
	}
	if opts.Tail > 0 {
		offset, err := tailOffset(f, opts.Tail)
		if err == nil {
			_, err = f.Seek(offset, io.SeekStart)
		}
		if err != nil {
			f.Close()
			return nil, err
		}
	}
	var rc io.ReadCloser = f
	if opts.Follow && !opts.Previous {
		r := p.lookup(namespace, podName)
		rc = &followReader{ctx: ctx, f: f, running: func() bool { return r != nil && r.containerRunning(containerName) }}
	}
	if opts.LimitBytes > 0 {
		rc = struct {
			io.Reader
			io.Closer
		}{io.LimitReader(rc, int64(opts.LimitBytes)), rc}
	}
	return rc, nil
}

func (r *podRuntime) containerRunning(name string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.finished() {
		return false
	}
	for _, c := range append(append([]*containerRuntime{}, r.initC...), r.mainC...) {
		if c.spec.Name == name {
			// A container waiting to start or restart will write again; keep following it.
			return c.state.Terminated == nil
		}
	}
	return false
}

// followReader reads a log file and, at its end, waits for more output while the container may still
// write to it.
type followReader struct {
	ctx     context.Context
	f       *os.File
	running func() bool
}

func (fr *followReader) Read(b []byte) (int, error) {
	for {
		n, err := fr.f.Read(b)
		if n > 0 || !errors.Is(err, io.EOF) {
			return n, err
		}
		if !fr.running() {
			// One last read: the container may have written between the read above and its exit.
			return fr.f.Read(b)
		}
		select {
		case <-fr.ctx.Done():
			return 0, io.EOF
		case <-time.After(followPollInterval):
		}
	}
}

func (fr *followReader) Close() error { return fr.f.Close() }
