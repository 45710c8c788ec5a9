{{- define "jnsq-operator.name" -}}
{{- default "jnsq-operator" .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "jnsq-operator.labels" -}}
app.kubernetes.io/name: jnsq-operator
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/part-of: jnsq
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "jnsq-operator.selector" -}}
app.kubernetes.io/name: jnsq-operator
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}
