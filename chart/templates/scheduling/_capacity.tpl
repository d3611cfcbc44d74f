{{/*
Capacity helpers: user placeholders and image pullers are sized and placed from the profiles in values, so a
placeholder stands exactly where (and as large as) the user pod that will preempt it, and an image puller runs on
exactly the nodes that profile's pods can land on.
*/}}

{{- define "nbhub.userPriority.fullname" -}}{{ include "nbhub.fullname" . }}-user-priority{{- end -}}
{{- define "nbhub.userPlaceholderPriority.fullname" -}}{{ include "nbhub.fullname" . }}-user-placeholder-priority{{- end -}}
{{- define "nbhub.imagePullerPriority.fullname" -}}{{ include "nbhub.fullname" . }}-image-puller-priority{{- end -}}
{{- define "nbhub.userScheduler.fullname" -}}{{ include "nbhub.fullname" . }}-user-scheduler{{- end -}}
{{- define "nbhub.userScheduler.clusterRole.fullname" -}}{{ include "nbhub.fullname" . }}-{{ .Release.Namespace }}-user-scheduler{{- end -}}
{{- define "nbhub.imageAwaiter.fullname" -}}{{ include "nbhub.fullname" . }}-hook-image-awaiter{{- end -}}

{{/* A StatefulSet's pods carry "<name>-<10-character hash>" as a label value (63 at most): names stop at 52. */}}
{{- define "nbhub.userPlaceholder.fullname" -}}
{{- $base := printf "%s-user-placeholder" (include "nbhub.fullname" .root) -}}
{{- if .slug }}{{ $base = printf "%s-%s" $base .slug }}{{ end -}}
{{- $base | trunc 52 | trimSuffix "-" -}}
{{- end -}}
{{- define "nbhub.imagePuller.fullname" -}}
{{- printf "%s-%s-image-puller-%s" (include "nbhub.fullname" .root) (.hook | ternary "hook" "continuous") .slug
    | trunc 52 | trimSuffix "-" -}}
{{- end -}}

{{/* User pods get a PriorityClass above the placeholders' whenever placeholders or pod priority are on. */}}
{{- define "nbhub.userPriority.enabled" -}}
{{- if or .Values.scheduling.podPriority.enabled .Values.scheduling.userPlaceholder.enabled }}true{{ end -}}
{{- end -}}
{{- define "nbhub.prePuller.enabled" -}}
{{- if or .Values.prePuller.hook.enabled .Values.prePuller.continuous.enabled }}true{{ end -}}
{{- end -}}

{{/* The profile with this slug as JSON; the default profile (default: true, else the first) for an empty slug. */}}
{{- define "nbhub.profile" -}}
{{- $found := dict -}}
{{- $profiles := .root.Values.profiles | default list -}}
{{- if .slug -}}
{{- range $profiles }}{{ if eq (toString .slug) $.slug }}{{ $found = . }}{{ end }}{{ end -}}
{{- if not $found -}}
{{- fail (printf "%s names profile %q, but profiles has no such slug" .key .slug) -}}
{{- end -}}
{{- else -}}
{{- range $profiles }}{{ if and (not $found) .default }}{{ $found = . }}{{ end }}{{ end -}}
{{- if and (not $found) $profiles }}{{ $found = first $profiles }}{{ end -}}
{{- end -}}
{{- toJson $found -}}
{{- end -}}

{{/* nodeSelector, tolerations and required node affinity of a profile, as pod spec fields. */}}
{{- define "nbhub.profile.placement" -}}
{{- with .node_selector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with (.node_affinity | default dict).required }}
affinity:
  nodeAffinity:
    requiredDuringSchedulingIgnoredDuringExecution:
      nodeSelectorTerms:
        {{- toYaml . | nindent 8 }}
{{- end }}
{{- end -}}

{{/*
What the scheduler reserves for a user pod of this profile: the guarantee, else the limit (Kubernetes requests the
limit when no request is set), and every extended resource (a GPU is requested as much as it is limited).
*/}}
{{- define "nbhub.profile.requests" -}}
{{- $requests := dict -}}
{{- $cpu := .cpu | default dict -}}
{{- $memory := .memory | default dict -}}
{{- with ($cpu.guarantee | default $cpu.limit) }}{{ $_ := set $requests "cpu" (toString .) }}{{ end -}}
{{- with ($memory.guarantee | default $memory.limit) }}{{ $_ := set $requests "memory" (toString .) }}{{ end -}}
{{- $extended := dict -}}
{{- range $name, $amount := (.extra_resource_limits | default dict) }}{{ $_ := set $extended $name (toString $amount) }}{{ end -}}
{{- with $requests }}
requests:
  {{- toYaml (merge (deepCopy .) $extended) | nindent 2 }}
{{- else }}{{ with $extended }}
requests:
  {{- toYaml . | nindent 2 }}
{{- end }}{{- end }}
{{- with $extended }}
limits:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/*
The image pools: profiles grouped by where their pods may run (node selector, tolerations, required affinity),
each with the images its profiles and their image options name, in order of first appearance. JSON list of
{slug, profile, images}.
*/}}
{{- define "nbhub.prePuller.pools" -}}
{{- $pools := list -}}
{{- $byKey := dict -}}
{{- $defaultImage := printf "%s:%s" .Values.singleuser.image.name .Values.singleuser.image.tag -}}
{{- range (.Values.profiles | default list) }}
{{- $key := toJson (list (.node_selector | default dict) (.tolerations | default list) ((.node_affinity | default dict).required | default list)) | sha256sum -}}
{{- if not (hasKey $byKey $key) }}
{{- $pool := dict "slug" .slug "profile" . "images" list -}}
{{- $_ := set $byKey $key $pool -}}
{{- $pools = append $pools $pool -}}
{{- end }}
{{- $pool := get $byKey $key -}}
{{- $images := list (.image | default $defaultImage) -}}
{{- range $option := (.options | default dict) }}
{{- range $choice := ($option.choices | default dict) }}
{{- with (($choice.overrides | default dict).image) }}{{ $images = append $images . }}{{ end }}
{{- end }}
{{- end }}
{{- range $image := $images }}
{{- if and (not (contains "{" $image)) (not (has $image $pool.images)) }}
{{- $_ := set $pool "images" (append $pool.images $image) -}}
{{- end }}
{{- end }}
{{- end }}
{{- range $pool := $pools }}
{{- range $.Values.prePuller.extraImages }}
{{- $image := printf "%s:%s" .name .tag -}}
{{- if not (has $image $pool.images) }}{{ $_ := set $pool "images" (append $pool.images $image) }}{{ end }}
{{- end }}
{{- end }}
{{- toJson $pools -}}
{{- end -}}

{{/* A checksum of every image the pullers pull: the hook runs only when it changes (pullOnlyOnChanges). */}}
{{- define "nbhub.prePuller.checksum" -}}
{{- include "nbhub.prePuller.pools" . | sha256sum -}}
{{- end -}}

{{- define "nbhub.prePuller.hookWanted" -}}
{{- if .Values.prePuller.hook.enabled -}}
{{- if not .Values.prePuller.hook.pullOnlyOnChanges -}}
true
{{- else -}}
{{- $last := lookup "v1" "ConfigMap" .Release.Namespace (include "nbhub.profiles.fullname" .) -}}
{{- $lastSum := dig "metadata" "annotations" "notebook-hub/pre-puller-checksum" "" ($last | default dict) -}}
{{- if ne $lastSum (include "nbhub.prePuller.checksum" .) }}true{{ end -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* One image puller DaemonSet (hook or continuous) for one pool. */}}
{{- define "nbhub.imagePuller.daemonset" -}}
{{- $root := .root -}}
{{- $name := include "nbhub.imagePuller.fullname" (dict "root" $root "slug" .pool.slug "hook" .hook) -}}
{{- $component := .hook | ternary "hook-image-puller" "continuous-image-puller" -}}
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: {{ $name }}
  labels:
    {{- include "nbhub.labels" (dict "root" $root "component" $component) | nindent 4 }}
    notebook-hub/pool: {{ .pool.slug | quote }}
  {{- if .hook }}
  annotations:
    "helm.sh/hook": pre-install,pre-upgrade
    "helm.sh/hook-delete-policy": before-hook-creation,hook-succeeded
    "helm.sh/hook-weight": "-10"
  {{- end }}
spec:
  selector:
    matchLabels:
      {{- include "nbhub.selectorLabels" (dict "root" $root "component" $component) | nindent 6 }}
      notebook-hub/pool: {{ .pool.slug | quote }}
  updateStrategy:
    type: RollingUpdate
    rollingUpdate:
      # A puller holds no state: replace every node's at once so new images start pulling everywhere.
      maxUnavailable: 100%
  template:
    metadata:
      labels:
        {{- include "nbhub.selectorLabels" (dict "root" $root "component" $component) | nindent 8 }}
        notebook-hub/pool: {{ .pool.slug | quote }}
    spec:
      automountServiceAccountToken: false
      terminationGracePeriodSeconds: 0
      {{- with include "nbhub.imagePullSecrets" $root }}
      {{- . | nindent 6 }}
      {{- end }}
      priorityClassName: {{ include "nbhub.imagePullerPriority.fullname" $root }}
      {{- with include "nbhub.profile.placement" .pool.profile | trim }}{{ . | nindent 6 }}{{ end }}
      securityContext:
        runAsNonRoot: true
        runAsUser: 65534
        runAsGroup: 65534
        seccompProfile: {type: RuntimeDefault}
      # Each image is pulled by an init container that exits at once; the pause container then keeps the pod (and
      # so the images, which the kubelet's garbage collector spares while a pod uses them) on the node.
      initContainers:
        {{- range $i, $image := .pool.images }}
        - name: image-pull-{{ $i }}
          image: {{ $image }}
          imagePullPolicy: IfNotPresent
          command: [/bin/sh, -c, "echo Pulled {{ $image }}"]
          securityContext:
            allowPrivilegeEscalation: false
            capabilities: {drop: [ALL]}
          resources:
            requests: {cpu: "0", memory: "0"}
        {{- end }}
      containers:
        - name: pause
          image: {{ $root.Values.prePuller.pause.image.name }}:{{ $root.Values.prePuller.pause.image.tag }}
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities: {drop: [ALL]}
          resources:
            requests: {cpu: "0", memory: "0"}
{{- end -}}


{{/*
The placeholder StatefulSets that have a schedule, as the hub's spawner.kubernetes.placeholder_schedules (JSON list
of {stateful_set, replicas, timezone, windows}); the hub's Role may patch exactly these.
*/}}
{{- define "nbhub.userPlaceholder.schedules" -}}
{{- $ph := .Values.scheduling.userPlaceholder -}}
{{- $out := list -}}
{{- if $ph.enabled -}}
{{- if $ph.schedule -}}
{{- $out = append $out (dict "stateful_set" (include "nbhub.userPlaceholder.fullname" (dict "root" . "slug" ""))
    "replicas" $ph.replicas "timezone" $ph.timezone "windows" $ph.schedule) -}}
{{- end -}}
{{- range $slug, $group := $ph.profiles -}}
{{- if $group.schedule -}}
{{- $out = append $out (dict "stateful_set" (include "nbhub.userPlaceholder.fullname" (dict "root" $ "slug" $slug))
    "replicas" $group.replicas "timezone" $ph.timezone "windows" $group.schedule) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- toJson $out -}}
{{- end -}}
