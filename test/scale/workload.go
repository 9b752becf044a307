package main

import (
	"bufio"
	"fmt"
	"os"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"

	"github.com/langflix/langflix-operator/test/testutil"
)

// bareLabel marks the bare Jobs and their pods. They carry none of the operator's labels, so the operator's
// label-filtered caches never hold them.
const bareLabel = "scale.langflix.io/bare"

// taskName is the name of the i-th task (and, in the bare phase, of the i-th Job).
func taskName(i int) string { return fmt.Sprintf("episode-%05d", i) }

// scaleTask is the VideoTask of the scale phases: a valid task whose storage is an emptyDir (simulated
// pods mount nothing, and a claim that does not exist would keep them from being scheduled). Each task is
// an episode of its own (its own video, subtitles and output folder), as in a catalogue: identical tasks
// would wait for the oldest one (work done once), which is not what this measures.
func scaleTask(name, namespace string) any {
	return testutil.MakeVideoTask(name, namespace).
		Storage(corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}).
		Video("input/" + name + ".mkv").Subtitles("input/" + name + ".srt").Output("output/" + name).Obj()
}

// bareJob is the Job a user would create for the same work without the operator: the operator's own Job
// for a task (taken from a probe task, so it follows whatever the operator builds), less what only the
// operator needs: its labels and owner (the operator would cache and adopt it), the selector the API server
// generates, and finalizers the operator puts on its pods (nobody would remove them here).
func bareJob(probe *batchv1.Job, name, namespace string) *batchv1.Job {
	labels := map[string]string{bareLabel: "true"}
	job := &batchv1.Job{
		TypeMeta:   metav1.TypeMeta{APIVersion: batchv1.SchemeGroupVersion.String(), Kind: "Job"},
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: namespace, Labels: labels},
		Spec:       *probe.Spec.DeepCopy(),
	}
	job.Spec.Selector, job.Spec.ManualSelector = nil, nil
	job.Spec.Template.Labels = labels
	job.Spec.Template.Finalizers = nil
	return job
}

// writeManifests writes n objects from build into one multi-document YAML file, as a user would hand a
// catalogue to kubectl.
func writeManifests(path string, n int, build func(i int) any) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("manifest file: %w", err)
	}
	w := bufio.NewWriter(f)
	for i := range n {
		data, err := yaml.Marshal(build(i))
		if err != nil {
			_ = f.Close()
			return fmt.Errorf("manifest %d: %w", i, err)
		}
		if _, err := fmt.Fprintf(w, "---\n%s", data); err != nil {
			_ = f.Close()
			return fmt.Errorf("manifest file: %w", err)
		}
	}
	if err := w.Flush(); err != nil {
		_ = f.Close()
		return fmt.Errorf("manifest file: %w", err)
	}
	return f.Close()
}
