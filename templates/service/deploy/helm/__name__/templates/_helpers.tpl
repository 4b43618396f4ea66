{{/*
Helpers shared by every template. The names are fixed ("service.*") so this
file is identical for every generated service; everything service-specific
comes from .Chart and .Values.
*/}}

{{/*
Chart name, or nameOverride; at most 63 characters (a DNS label).
*/}}
{{- define "service.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Fully qualified name for every object: fullnameOverride, else the release
name when it already contains the chart name, else "RELEASE-CHART";
at most 63 characters.
*/}}
{{- define "service.fullname" -}}
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
"CHART-VERSION" for the helm.sh/chart label.
*/}}
{{- define "service.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Labels on every object.
*/}}
{{- define "service.labels" -}}
helm.sh/chart: {{ include "service.chart" . }}
{{ include "service.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/*
Labels that select the pods (Deployment, Service, PDB, NetworkPolicy,
topology spread). Never change them on a running release: a Deployment's
selector is immutable.
*/}}
{{- define "service.selectorLabels" -}}
app.kubernetes.io/name: {{ include "service.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
Labels of the `helm test` Job and its pod (templates/tests/): the release,
but not the selector labels, so nothing that selects the service's pods
selects the test.
*/}}
{{- define "service.testLabels" -}}
helm.sh/chart: {{ include "service.chart" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: helm-test
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/*
ServiceAccount the pods run as.
*/}}
{{- define "service.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "service.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
Container image: REPOSITORY@DIGEST when image.digest is set, else
REPOSITORY:TAG with the tag defaulting to the chart's appVersion.
*/}}
{{- define "service.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) }}
{{- end }}
{{- end }}

{{/*
GOMEMLIMIT: .Values.goMemLimit when set, else 90% of
.Values.resources.limits.memory, rounded down to whole MiB (256Mi gives
230MiB, 1Gi gives 921MiB). The limit must be an integer with an optional
Ki, Mi, Gi, Ti, k, M, G or T suffix; anything else fails the render.
*/}}
{{- define "service.goMemLimit" -}}
{{- if .Values.goMemLimit }}
{{- .Values.goMemLimit }}
{{- else }}
{{- $memory := toString .Values.resources.limits.memory }}
{{- if not (regexMatch "^[0-9]+(Ki|Mi|Gi|Ti|k|M|G|T)?$" $memory) }}
{{- fail (printf "cannot derive GOMEMLIMIT from resources.limits.memory %q: write it as an integer with a Ki, Mi, Gi, Ti, k, M, G or T suffix (e.g. 256Mi), or set goMemLimit explicitly (e.g. 230MiB)" $memory) }}
{{- end }}
{{- $digits := regexFind "^[0-9]+" $memory }}
{{- $unit := trimPrefix $digits $memory }}
{{- $factors := dict "" 1 "k" 1000 "M" 1000000 "G" 1000000000 "T" 1000000000000 "Ki" 1024 "Mi" 1048576 "Gi" 1073741824 "Ti" 1099511627776 }}
{{- $bytes := mul (atoi $digits) (index $factors $unit) }}
{{- $mib := div (div (mul $bytes 9) 10) 1048576 }}
{{- if lt $mib 1 }}
{{- fail (printf "resources.limits.memory %q is too small to derive GOMEMLIMIT (90%% is under 1MiB)" $memory) }}
{{- end }}
{{- printf "%dMiB" $mib }}
{{- end }}
{{- end }}
