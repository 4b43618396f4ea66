{{- define "c.name" -}}{{ default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}{{- end }}
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ include "c.name" . }}
  labels: {{- toYaml .Values.m | nindent 4 }}
data:
{{- range $k, $v := .Values.m }}
  {{ $k }}: {{ $v | quote }}
{{- end }}
{{ if and .Values.b (eq .Values.s "str") }}{{ tpl "{{ .Release.Name }}" . }}{{ else }}{{ fail "no" }}{{ end }}
{{ with .Values.list }}{{ index . 2 0 }}{{ end }}{{ printf "%v %d %s" .Values.a 3 "x" }}
{{ semverCompare ">=1.20" .Capabilities.KubeVersion.Version }}{{ regexReplaceAll "a(.*)" "abc" "${1}" }}
{{ $d := dict "a" (list 1 2) }}{{ toJson $d }}{{ fromYaml "a: [1" }}{{ b64enc "x" | b64dec }}
