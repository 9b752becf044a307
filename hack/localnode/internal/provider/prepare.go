package provider

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/langflix/langflix-operator/hack/localnode/internal/imagemap"
	"github.com/langflix/langflix-operator/hack/localnode/internal/launch"
)

// podPlan is a pod made ready to run: its files exist and each container is described as a host process.
type podPlan struct {
	// scratchDir holds what dies with the pod (emptyDirs, projected files, tmp, working dir):
	// <logDir>/<uid>.
	scratchDir string
	init       []*containerPlan
	main       []*containerPlan
	stopTokens func()
	stopOnce   sync.Once
}

func (p *podPlan) stopTokenRefresh() {
	p.stopOnce.Do(func() {
		if p.stopTokens != nil {
			p.stopTokens()
		}
	})
}

// containerPlan is one container translated to a host process.
type containerPlan struct {
	process  launch.Process
	logPath  string // <logDir>/<container>.log
	prevLog  string // <logDir>/<container>.previous.log, the run before a restart
	termPath string // <logDir>/<container>.termination-log
}

// resetFiles prepares the log and termination files for a run. On a restart the current log becomes the
// previous one (kubectl logs --previous); the termination file always starts empty, as the kubelet's does.
func (c *containerPlan) resetFiles(restart bool) error {
	if restart {
		if err := os.Rename(c.logPath, c.prevLog); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	return os.WriteFile(c.termPath, nil, 0o666)
}

// preparePod resolves images, fetches referenced objects, materializes volumes and builds each container's
// process. Errors are launch.SetupErrors when they have a reason worth reporting.
func (p *Provider) preparePod(ctx context.Context, pod *corev1.Pod, logDir string) (_ *podPlan, err error) {
	for _, c := range pod.Spec.InitContainers {
		if c.RestartPolicy != nil && *c.RestartPolicy == corev1.ContainerRestartPolicyAlways {
			return nil, launch.Permanentf(launch.ReasonUnsupported, "init container %q is a sidecar (restartPolicy Always); localnode does not run sidecars", c.Name)
		}
	}
	for _, c := range allContainers(pod) {
		rule, ok := p.cfg.Images.Lookup(c.Image)
		if !ok {
			return nil, launch.Permanentf(launch.ReasonImageNotMapped,
				"image %q of container %q is not mapped to a local binary; start localnode with --image-map '%s=/path/to/binary'",
				c.Image, c.Name, imagemap.SuggestPattern(c.Image))
		}
		if !rule.IsDir() {
			if err := checkExecutable(rule.Path); err != nil {
				return nil, launch.Permanentf(launch.ReasonImageNotMapped, "image %q maps to %s: %v", c.Image, rule.Path, err)
			}
		}
	}

	objs, err := p.fetchObjects(ctx, pod)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(logDir, 0o755); err != nil {
		return nil, err
	}
	plan := &podPlan{scratchDir: filepath.Join(logDir, string(pod.UID))}
	defer func() {
		if err != nil {
			plan.stopTokenRefresh()
		}
	}()
	for _, d := range []string{"volumes", "tmp", "work"} {
		if err := os.MkdirAll(filepath.Join(plan.scratchDir, d), 0o755); err != nil {
			return nil, err
		}
	}
	vols, err := p.setupVolumes(ctx, pod, objs, plan)
	if err != nil {
		return nil, err
	}
	for i := range pod.Spec.InitContainers {
		cp, err := p.planContainer(pod, &pod.Spec.InitContainers[i], objs, vols, plan, logDir)
		if err != nil {
			return nil, err
		}
		plan.init = append(plan.init, cp)
	}
	for i := range pod.Spec.Containers {
		cp, err := p.planContainer(pod, &pod.Spec.Containers[i], objs, vols, plan, logDir)
		if err != nil {
			return nil, err
		}
		plan.main = append(plan.main, cp)
	}
	return plan, nil
}

func allContainers(pod *corev1.Pod) []corev1.Container {
	return append(append([]corev1.Container{}, pod.Spec.InitContainers...), pod.Spec.Containers...)
}

func checkExecutable(path string) error {
	info, err := os.Stat(path)
	if err != nil {
		return err
	}
	if info.IsDir() || info.Mode()&0o111 == 0 {
		return fmt.Errorf("not an executable file")
	}
	return nil
}

// fetchObjects reads every ConfigMap and Secret the pod refers to. Missing ones are left out; whether that
// is an error depends on the reference (optional or not) and is decided where it is used.
func (p *Provider) fetchObjects(ctx context.Context, pod *corev1.Pod) (launch.Objects, error) {
	cms, secrets := references(pod)
	objs := launch.Objects{ConfigMaps: map[string]*corev1.ConfigMap{}, Secrets: map[string]*corev1.Secret{}}
	for name := range cms {
		cm, err := p.cfg.Client.CoreV1().ConfigMaps(pod.Namespace).Get(ctx, name, metav1.GetOptions{})
		switch {
		case apierrors.IsNotFound(err):
		case err != nil:
			return objs, fmt.Errorf("get configmap %s/%s: %w", pod.Namespace, name, err)
		default:
			objs.ConfigMaps[name] = cm
		}
	}
	for name := range secrets {
		s, err := p.cfg.Client.CoreV1().Secrets(pod.Namespace).Get(ctx, name, metav1.GetOptions{})
		switch {
		case apierrors.IsNotFound(err):
		case err != nil:
			return objs, fmt.Errorf("get secret %s/%s: %w", pod.Namespace, name, err)
		default:
			objs.Secrets[name] = s
		}
	}
	return objs, nil
}

// references lists the names of the ConfigMaps and Secrets the pod's env, envFrom and volumes refer to.
func references(pod *corev1.Pod) (configMaps, secrets map[string]bool) {
	configMaps, secrets = map[string]bool{}, map[string]bool{}
	for _, c := range allContainers(pod) {
		for _, from := range c.EnvFrom {
			if from.ConfigMapRef != nil {
				configMaps[from.ConfigMapRef.Name] = true
			}
			if from.SecretRef != nil {
				secrets[from.SecretRef.Name] = true
			}
		}
		for _, e := range c.Env {
			if e.ValueFrom == nil {
				continue
			}
			if ref := e.ValueFrom.ConfigMapKeyRef; ref != nil {
				configMaps[ref.Name] = true
			}
			if ref := e.ValueFrom.SecretKeyRef; ref != nil {
				secrets[ref.Name] = true
			}
		}
	}
	for _, v := range pod.Spec.Volumes {
		if v.ConfigMap != nil {
			configMaps[v.ConfigMap.Name] = true
		}
		if v.Secret != nil {
			secrets[v.Secret.SecretName] = true
		}
		if v.Projected == nil {
			continue
		}
		for _, src := range v.Projected.Sources {
			if src.ConfigMap != nil {
				configMaps[src.ConfigMap.Name] = true
			}
			if src.Secret != nil {
				secrets[src.Secret.Name] = true
			}
		}
	}
	return configMaps, secrets
}

// planContainer resolves the container's environment and mounts and builds its process description.
func (p *Provider) planContainer(pod *corev1.Pod, c *corev1.Container, objs launch.Objects, vols map[string]*volume,
	plan *podPlan, logDir string) (*containerPlan, error) {
	env, err := launch.ResolveEnv(pod, c, objs, p.cfg.Allocatable)
	if err != nil {
		return nil, err
	}
	cp := &containerPlan{
		logPath:  filepath.Join(logDir, c.Name+".log"),
		prevLog:  filepath.Join(logDir, c.Name+".previous.log"),
		termPath: filepath.Join(logDir, c.Name+".termination-log"),
	}
	termMountPath := c.TerminationMessagePath
	if termMountPath == "" {
		termMountPath = corev1.TerminationMessagePathDefault
	}
	mounts := []launch.Mount{{ContainerPath: termMountPath, HostPath: cp.termPath}}
	defaults := []launch.EnvVar{{Name: "HOSTNAME", Value: pod.Name}, {Name: "TMPDIR", Value: filepath.Join(plan.scratchDir, "tmp")}}
	lookup := func(name string) (string, bool) {
		for _, e := range env {
			if e.Name == name {
				return e.Value, true
			}
		}
		return "", false
	}
	for _, vm := range c.VolumeMounts {
		v := vols[vm.Name]
		if v == nil {
			return nil, launch.Permanentf(launch.ReasonUnsupported, "container %q mounts unknown volume %q", c.Name, vm.Name)
		}
		hostPath := v.dir
		sub := vm.SubPath
		if vm.SubPathExpr != "" {
			sub = launch.Expand(vm.SubPathExpr, lookup)
		}
		if sub != "" {
			if hostPath, err = safeJoin(v.dir, sub); err != nil {
				return nil, launch.Permanentf(launch.ReasonUnsupported, "container %q volume mount %q: %v", c.Name, vm.Name, err)
			}
			if _, err := os.Stat(hostPath); errors.Is(err, os.ErrNotExist) {
				if err := os.MkdirAll(hostPath, 0o755); err != nil {
					return nil, err
				}
			}
		}
		mounts = append(mounts, launch.Mount{ContainerPath: vm.MountPath, HostPath: hostPath})
		if sub == "" && v.kubeconfig != "" {
			defaults = append(defaults, launch.EnvVar{Name: "KUBECONFIG", Value: v.kubeconfig})
		}
	}
	paths := launch.NewPathMap(mounts...)
	for _, m := range paths.Mounts() {
		if m.ContainerPath == "/tmp" {
			defaults = append(defaults, launch.EnvVar{Name: "TMPDIR", Value: m.HostPath})
		}
	}
	rule, _ := p.cfg.Images.Lookup(c.Image)
	proc, err := launch.BuildProcess(launch.ProcessInput{
		Container: c, Rule: rule, Env: env, Paths: paths,
		HostEnv: p.cfg.HostEnv, Defaults: defaults, DefaultDir: filepath.Join(plan.scratchDir, "work"),
	})
	if err != nil {
		return nil, err
	}
	if err := checkExecutable(proc.Argv[0]); err != nil {
		return nil, launch.Permanentf(launch.ReasonImageNotMapped, "container %q: program %s: %v", c.Name, proc.Argv[0], err)
	}
	if info, err := os.Stat(proc.Dir); err != nil || !info.IsDir() {
		return nil, launch.Permanentf(launch.ReasonUnsupported,
			"container %q: workingDir %q is %q on this host, which is not a directory (only paths under volume mounts are redirected)",
			c.Name, c.WorkingDir, proc.Dir)
	}
	cp.process = proc
	return cp, nil
}
