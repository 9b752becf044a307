package launch

import (
	"slices"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func testPod() *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{
			Name: "task-1-abcde", Namespace: "media", UID: "0b5c-uid",
			Labels:      map[string]string{"app": "runner", "tier": "batch"},
			Annotations: map[string]string{"note": `say "hi"`},
		},
		Spec: corev1.PodSpec{NodeName: "localnode", ServiceAccountName: "runner"},
	}
}

func testObjects() Objects {
	return Objects{
		ConfigMaps: map[string]*corev1.ConfigMap{
			"settings": {Data: map[string]string{"LEVEL": "debug", "MODE": "fast", "bad=key": "x"},
				BinaryData: map[string][]byte{"blob": []byte("bytes")}},
		},
		Secrets: map[string]*corev1.Secret{
			"creds": {Data: map[string][]byte{"token": []byte("s3cr3t"), "USER": []byte("bob")}},
		},
	}
}

func ptr[T any](v T) *T { return &v }

func TestResolveEnv(t *testing.T) {
	cmRef := func(key string, optional *bool) *corev1.EnvVarSource {
		return &corev1.EnvVarSource{ConfigMapKeyRef: &corev1.ConfigMapKeySelector{
			LocalObjectReference: corev1.LocalObjectReference{Name: "settings"}, Key: key, Optional: optional}}
	}
	secretRef := func(name, key string, optional *bool) *corev1.EnvVarSource {
		return &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
			LocalObjectReference: corev1.LocalObjectReference{Name: name}, Key: key, Optional: optional}}
	}
	field := func(path string) *corev1.EnvVarSource {
		return &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: path}}
	}
	tests := []struct {
		name       string
		container  corev1.Container
		want       []EnvVar
		wantReason string // non-empty: an error with this reason
		permanent  bool
	}{
		{
			name: "literal values and expansion of earlier variables",
			container: corev1.Container{Env: []corev1.EnvVar{
				{Name: "BASE", Value: "/data"}, {Name: "OUT", Value: "$(BASE)/out"}, {Name: "LATER", Value: "$(NEXT)"},
				{Name: "NEXT", Value: "n"}, {Name: "ESC", Value: "$$(BASE)"},
			}},
			want: []EnvVar{{"BASE", "/data"}, {"OUT", "/data/out"}, {"LATER", "$(NEXT)"}, {"NEXT", "n"}, {"ESC", "$(BASE)"}},
		},
		{
			name: "field references",
			container: corev1.Container{Env: []corev1.EnvVar{
				{Name: "POD", ValueFrom: field("metadata.name")}, {Name: "NS", ValueFrom: field("metadata.namespace")},
				{Name: "UID", ValueFrom: field("metadata.uid")}, {Name: "NODE", ValueFrom: field("spec.nodeName")},
				{Name: "SA", ValueFrom: field("spec.serviceAccountName")}, {Name: "IP", ValueFrom: field("status.podIP")},
				{Name: "HOST", ValueFrom: field("status.hostIP")}, {Name: "APP", ValueFrom: field("metadata.labels['app']")},
				{Name: "NOTE", ValueFrom: field("metadata.annotations['note']")}, {Name: "LABELS", ValueFrom: field("metadata.labels")},
			}},
			want: []EnvVar{{"POD", "task-1-abcde"}, {"NS", "media"}, {"UID", "0b5c-uid"}, {"NODE", "localnode"},
				{"SA", "runner"}, {"IP", "127.0.0.1"}, {"HOST", "127.0.0.1"}, {"APP", "runner"}, {"NOTE", `say "hi"`},
				{"LABELS", "app=\"runner\"\ntier=\"batch\""}},
		},
		{
			name:       "unsupported field path fails for good",
			container:  corev1.Container{Env: []corev1.EnvVar{{Name: "X", ValueFrom: field("spec.hostname")}}},
			wantReason: ReasonUnsupported, permanent: true,
		},
		{
			name: "configmap and secret keys",
			container: corev1.Container{Env: []corev1.EnvVar{
				{Name: "LEVEL", ValueFrom: cmRef("LEVEL", nil)}, {Name: "BLOB", ValueFrom: cmRef("blob", nil)},
				{Name: "TOKEN", ValueFrom: secretRef("creds", "token", nil)},
				{Name: "URL", Value: "https://$(TOKEN)@host"},
			}},
			want: []EnvVar{{"LEVEL", "debug"}, {"BLOB", "bytes"}, {"TOKEN", "s3cr3t"}, {"URL", "https://s3cr3t@host"}},
		},
		{
			name: "optional references that do not resolve are skipped",
			container: corev1.Container{Env: []corev1.EnvVar{
				{Name: "A", ValueFrom: cmRef("missing-key", ptr(true))}, {Name: "B", ValueFrom: secretRef("nope", "k", ptr(true))},
				{Name: "C", Value: "c"},
			}},
			want: []EnvVar{{"C", "c"}},
		},
		{
			name:       "missing secret is retried",
			container:  corev1.Container{Env: []corev1.EnvVar{{Name: "A", ValueFrom: secretRef("nope", "k", nil)}}},
			wantReason: ReasonConfig,
		},
		{
			name:       "missing key is retried",
			container:  corev1.Container{Env: []corev1.EnvVar{{Name: "A", ValueFrom: cmRef("absent", ptr(false))}}},
			wantReason: ReasonConfig,
		},
		{
			name: "envFrom with prefix, sorted keys, invalid keys skipped, env overrides in place",
			container: corev1.Container{
				EnvFrom: []corev1.EnvFromSource{
					{ConfigMapRef: &corev1.ConfigMapEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "settings"}}},
					{Prefix: "S_", SecretRef: &corev1.SecretEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "creds"}}},
					{SecretRef: &corev1.SecretEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "nope"}, Optional: ptr(true)}},
				},
				Env: []corev1.EnvVar{{Name: "LEVEL", Value: "info-$(MODE)"}},
			},
			want: []EnvVar{{"LEVEL", "info-fast"}, {"MODE", "fast"}, {"S_USER", "bob"}, {"S_token", "s3cr3t"}},
		},
		{
			name: "envFrom of a missing configmap is retried",
			container: corev1.Container{EnvFrom: []corev1.EnvFromSource{
				{ConfigMapRef: &corev1.ConfigMapEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "absent"}}}}},
			wantReason: ReasonConfig,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.container.Name = "main"
			got, err := ResolveEnv(testPod(), &tt.container, testObjects(), nil)
			if tt.wantReason != "" {
				se := SetupErrorOf(err)
				if se == nil || se.Reason != tt.wantReason || se.Permanent != tt.permanent {
					t.Fatalf("error = %#v, want reason %q permanent %v", err, tt.wantReason, tt.permanent)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("ResolveEnv =\n %q\nwant\n %q", got, tt.want)
			}
		})
	}
}

func TestResourceValue(t *testing.T) {
	pod := testPod()
	pod.Spec.Containers = []corev1.Container{
		{Name: "main", Resources: corev1.ResourceRequirements{
			Limits:   corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("1536Mi")},
			Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("250m")},
		}},
		{Name: "side", Resources: corev1.ResourceRequirements{
			Limits: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("1500m")},
		}},
	}
	allocatable := corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("2"), corev1.ResourceMemory: resource.MustParse("8Gi")}
	tests := []struct {
		resource  string
		container string
		divisor   string
		want      string
		wantErr   bool
	}{
		{resource: "limits.memory", want: "1610612736"},
		{resource: "limits.memory", divisor: "1Gi", want: "2"},
		{resource: "limits.cpu", want: "2"},   // unset limit: node allocatable
		{resource: "requests.cpu", want: "1"}, // 250m rounds up to one core
		{resource: "requests.cpu", divisor: "1m", want: "250"},
		{resource: "requests.memory", want: "0"},
		{resource: "limits.cpu", container: "side", divisor: "1m", want: "1500"},
		{resource: "limits.cpu", container: "ghost", wantErr: true},
		{resource: "cpu", wantErr: true},
	}
	for _, tt := range tests {
		ref := &corev1.ResourceFieldSelector{Resource: tt.resource, ContainerName: tt.container}
		if tt.divisor != "" {
			ref.Divisor = resource.MustParse(tt.divisor)
		}
		got, err := ResourceValue(pod, &pod.Spec.Containers[0], ref, allocatable)
		if (err != nil) != tt.wantErr {
			t.Errorf("%s/%s: error = %v, wantErr %v", tt.resource, tt.divisor, err, tt.wantErr)
			continue
		}
		if got != tt.want {
			t.Errorf("%s (container %q, divisor %q) = %q, want %q", tt.resource, tt.container, tt.divisor, got, tt.want)
		}
	}
}
