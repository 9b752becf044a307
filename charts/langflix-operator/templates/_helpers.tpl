{{/*
Chart name, overridable with nameOverride. Cut to 63 characters because it ends up in label values.
*/}}
{{- define "langflix-operator.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Full name of the release's objects: fullnameOverride, or <release>-<chart>, or just <release> when the
release name already contains the chart name (so "helm install langflix-operator ." gives "langflix-operator").
*/}}
{{- define "langflix-operator.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Chart name and version, as the helm.sh/chart label wants them.
*/}}
{{- define "langflix-operator.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Labels on every object of the release. Objects of one part add app.kubernetes.io/component themselves.
*/}}
{{- define "langflix-operator.labels" -}}
helm.sh/chart: {{ include "langflix-operator.chart" . }}
app.kubernetes.io/name: {{ include "langflix-operator.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: langflix
{{- end }}

{{/*
Labels that select the manager pods. They never change after install, because a Deployment's selector is
immutable.
*/}}
{{- define "langflix-operator.selectorLabels" -}}
app.kubernetes.io/name: {{ include "langflix-operator.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: manager
{{- end }}

{{/*
Name of the manager's ServiceAccount.
*/}}
{{- define "langflix-operator.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "langflix-operator.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
Manager image reference; the tag defaults to the chart's appVersion.
*/}}
{{- define "langflix-operator.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{/*
Runner image reference; the tag defaults to the chart's appVersion, so manager and runner match.
*/}}
{{- define "langflix-operator.runnerImage" -}}
{{- printf "%s:%s" .Values.runner.image.repository (default .Chart.AppVersion .Values.runner.image.tag) }}
{{- end }}

{{/*
"true" when the manager elects a leader: asked for, or needed because more than one replica runs.
*/}}
{{- define "langflix-operator.leaderElect" -}}
{{- if or .Values.leaderElection.enabled (gt (int .Values.replicaCount) 1) }}true{{ else }}false{{ end }}
{{- end }}

{{/*
"true" when a Service fronts the metrics port: asked for directly, or needed by the ServiceMonitor.
*/}}
{{- define "langflix-operator.metricsService" -}}
{{- if and .Values.metrics.enabled (or .Values.metrics.service.enabled .Values.metrics.serviceMonitor.enabled) }}true{{ else }}false{{ end }}
{{- end }}

{{/*
Fails rendering on value combinations the schema cannot express.
*/}}
{{- define "langflix-operator.validate" -}}
{{- if and .Values.metrics.serviceMonitor.enabled (not .Values.metrics.enabled) }}
{{- fail "metrics.serviceMonitor.enabled needs metrics.enabled: the ServiceMonitor scrapes the metrics endpoint" }}
{{- end }}
{{- if and .Values.metrics.enabled (eq (int .Values.metrics.port) (int .Values.healthProbe.port)) }}
{{- fail "metrics.port and healthProbe.port must differ" }}
{{- end }}
{{- if and (eq .Values.redis.secretMode "PerNamespace") (not .Values.redis.existingSecret) }}
{{- fail "redis.secretMode PerNamespace needs redis.existingSecret: the name of the Secret every task namespace holds" }}
{{- end }}
{{- if and .Values.redis.url .Values.redis.existingSecret }}
{{- fail "set redis.url or redis.existingSecret, not both" }}
{{- end }}
{{- end }}

{{/*
The operator's permissions, as the rules of its ClusterRole or of its Role in each watched namespace. They
mirror config/rbac/role.yaml, which controller-gen generates from the +kubebuilder:rbac markers of the
controllers; hack/check-chart.sh fails when they differ. Only the names of the runner ClusterRole the operator
may bind and of its Redis Secret copy follow runner.clusterRoleName and runner.serviceAccountName.
*/}}
{{- define "langflix-operator.operatorRules" -}}
- apiGroups:
  - ""
  resources:
  - events
  verbs:
  - list
- apiGroups:
  - ""
  resources:
  - namespaces
  verbs:
  - get
  - list
  - watch
- apiGroups:
  - ""
  resources:
  - pods
  verbs:
  - delete
  - get
  - list
  - patch
  - watch
- apiGroups:
  - ""
  resourceNames:
  - {{ include "langflix-operator.cacheCopyName" . | quote }}
  resources:
  - secrets
  verbs:
  - create
  - patch
- apiGroups:
  - ""
  resources:
  - serviceaccounts
  verbs:
  - create
- apiGroups:
  - batch
  resources:
  - cronjobs
  verbs:
  - create
  - get
  - list
  - patch
  - watch
- apiGroups:
  - batch
  resources:
  - jobs
  verbs:
  - create
  - delete
  - deletecollection
  - get
  - list
  - patch
  - watch
- apiGroups:
  - events.k8s.io
  resources:
  - events
  verbs:
  - create
  - patch
- apiGroups:
  - kueue.x-k8s.io
  resources:
  - workloads
  verbs:
  - get
  - list
  - patch
  - watch
- apiGroups:
  - rbac.authorization.k8s.io
  resourceNames:
  - {{ .Values.runner.clusterRoleName | quote }}
  resources:
  - clusterroles
  verbs:
  - bind
- apiGroups:
  - rbac.authorization.k8s.io
  resources:
  - rolebindings
  verbs:
  - create
- apiGroups:
  - tasks.langflix.io
  resources:
  - cleanuppolicies
  - slidetasks
  - videotasks
  verbs:
  - delete
  - get
  - list
  - patch
  - watch
- apiGroups:
  - tasks.langflix.io
  resources:
  - cleanuppolicies/finalizers
  - slidetasks/finalizers
  - videotasks/finalizers
  verbs:
  - update
- apiGroups:
  - tasks.langflix.io
  resources:
  - cleanuppolicies/status
  - slidetasks/status
  - videotasks/status
  verbs:
  - get
  - patch
{{- end }}

{{/*
Name of the operator's copy of the Redis Secret in task namespaces (controllers/internal/runnerpod/cache.go).
*/}}
{{- define "langflix-operator.cacheCopyName" -}}
{{- printf "%s-cache" .Values.runner.serviceAccountName }}
{{- end }}

{{/*
Name of the Secret with the Redis URL in the release namespace (Copy) or task namespaces (PerNamespace);
empty when no cache is configured.
*/}}
{{- define "langflix-operator.redisSecret" -}}
{{- if .Values.redis.existingSecret }}{{ .Values.redis.existingSecret }}{{ else if .Values.redis.url }}{{ include "langflix-operator.fullname" . }}-redis{{ end }}
{{- end }}

{{/*
A list of strings as the elements of a CEL list literal: 'a', 'b'.
*/}}
{{- define "langflix-operator.celStrings" -}}
{{- $out := list }}
{{- range . }}{{ $out = append $out (printf "'%s'" .) }}{{ end }}
{{- join ", " $out }}
{{- end }}
