{{/*
Names helper: every resource name comes from here, so a fullnameOverride or a long release name
changes them all consistently. The prefix is cut to 40 characters so that the longest suffix
("-proxy-public") still fits in the 63 characters a Service name allows.
*/}}
{{- define "nbhub.fullname" -}}
{{- $name := .Values.fullnameOverride | default .Release.Name -}}
{{- $name | trunc 40 | trimSuffix "-" -}}
{{- end -}}

{{- define "nbhub.hub.fullname" -}}{{ include "nbhub.fullname" . }}-hub{{- end -}}
{{- define "nbhub.hub.serviceAccountName" -}}
{{- if .Values.hub.serviceAccount.create -}}
{{- .Values.hub.serviceAccount.name | default (include "nbhub.hub.fullname" .) -}}
{{- else -}}
{{- .Values.hub.serviceAccount.name | default "default" -}}
{{- end -}}
{{- end -}}
{{- define "nbhub.hub.config.fullname" -}}{{ include "nbhub.fullname" . }}-hub-config{{- end -}}
{{- define "nbhub.hub.pvc.fullname" -}}{{ include "nbhub.fullname" . }}-hub-db{{- end -}}
{{- define "nbhub.hub.role.fullname" -}}{{ include "nbhub.fullname" . }}-hub-spawner{{- end -}}
{{- /* Cluster-scoped: the release namespace keeps two releases of one name apart. */ -}}
{{- define "nbhub.hub.clusterRole.fullname" -}}{{ include "nbhub.fullname" . }}-{{ .Release.Namespace }}-hub-spawner{{- end -}}
{{- define "nbhub.profiles.fullname" -}}{{ include "nbhub.fullname" . }}-profiles{{- end -}}
{{- define "nbhub.proxy.fullname" -}}{{ include "nbhub.fullname" . }}-proxy{{- end -}}
{{- define "nbhub.proxy-public.fullname" -}}{{ include "nbhub.fullname" . }}-proxy-public{{- end -}}
{{- define "nbhub.proxy-api.fullname" -}}{{ include "nbhub.fullname" . }}-proxy-api{{- end -}}
{{- define "nbhub.singleuser.fullname" -}}{{ include "nbhub.fullname" . }}-singleuser{{- end -}}
{{- define "nbhub.ingress.fullname" -}}{{ include "nbhub.fullname" . }}{{- end -}}
{{- define "nbhub.secret.fullname" -}}
{{- .Values.hub.existingSecret | default (printf "%s-secret" (include "nbhub.fullname" .)) -}}
{{- end -}}

{{/* The hub's in-cluster addresses, used by the proxy, user pods and the hub's own config. */}}
{{- define "nbhub.hub.url" -}}
http://{{ include "nbhub.hub.fullname" . }}.{{ .Release.Namespace }}.svc:{{ .Values.hub.port }}
{{- end -}}
{{- define "nbhub.proxy-api.url" -}}
http://{{ include "nbhub.proxy-api.fullname" . }}.{{ .Release.Namespace }}.svc:8001
{{- end -}}

{{/* Labels. Selectors use only the stable subset (name, instance, component). */}}
{{- define "nbhub.selectorLabels" -}}
app.kubernetes.io/name: notebook-hub
app.kubernetes.io/instance: {{ .root.Release.Name }}
component: {{ .component }}
{{- end -}}

{{- define "nbhub.labels" -}}
{{ include "nbhub.selectorLabels" . }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version | replace "+" "_" }}
{{- with .root.Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* "name:tag" of an image block; the proxy falls back to the hub image, which carries both commands. */}}
{{- define "nbhub.image" -}}
{{- printf "%s:%s" .name (.tag | default .root.Chart.AppVersion) -}}
{{- end -}}
{{- define "nbhub.hub.image" -}}
{{- include "nbhub.image" (dict "name" .Values.hub.image.name "tag" .Values.hub.image.tag "root" .) -}}
{{- end -}}
{{- define "nbhub.proxy.image" -}}
{{- $name := .Values.proxy.image.name | default .Values.hub.image.name -}}
{{- $tag := .Values.proxy.image.tag | default .Values.hub.image.tag -}}
{{- include "nbhub.image" (dict "name" $name "tag" $tag "root" .) -}}
{{- end -}}

{{- define "nbhub.imagePullSecrets" -}}
{{- with .Values.imagePullSecrets -}}
imagePullSecrets:
{{- range . }}
  - name: {{ . | quote }}
{{- end }}
{{- end -}}
{{- end -}}

{{/* Keys inside the chart's Secret (or the operator's existingSecret). */}}
{{- define "nbhub.secret.proxyTokenKey" -}}proxy-auth-token{{- end -}}
{{- define "nbhub.secret.cookieSecretKey" -}}hub-cookie-secret{{- end -}}

{{- define "nbhub.authUsesClientSecret" -}}
{{- if ne .Values.auth.type "dev" }}true{{ end -}}
{{- end -}}

{{- define "nbhub.priority.fullname" -}}{{ include "nbhub.fullname" . }}-priority{{- end -}}

{{/* The priority class of a core pod: its own setting, else the chart's PriorityClass when enabled. */}}
{{- define "nbhub.priorityClassName" -}}
{{- if .own -}}
{{- .own -}}
{{- else if .root.Values.scheduling.podPriority.enabled -}}
{{- include "nbhub.priority.fullname" .root -}}
{{- end -}}
{{- end -}}

{{/* The hub's public URL: as configured, else derived from the first ingress host. */}}
{{- define "nbhub.hub.publicUrl" -}}
{{- if .Values.hub.publicUrl -}}
{{- .Values.hub.publicUrl -}}
{{- else if and .Values.ingress.enabled .Values.ingress.hosts -}}
{{- ternary "https" "http" (gt (len .Values.ingress.tls) 0) }}://{{ first .Values.ingress.hosts -}}
{{- end -}}
{{- end -}}
