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
{{- end }}
