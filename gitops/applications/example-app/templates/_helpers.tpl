{{/* Labels on every object of the release. */}}
{{- define "example-app.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/part-of: homelab
{{- end }}

{{/* Labels that select the pods. */}}
{{- define "example-app.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* The ingress host: the configured one, else example-app.<domain>. */}}
{{- define "example-app.host" -}}
{{- .Values.ingress.host | default (printf "%s.%s" .Chart.Name (required "platform.domain is set by the ApplicationSet" .Values.platform.domain)) }}
{{- end }}
