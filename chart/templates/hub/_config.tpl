{{/*
The hub's config.yaml, built from values. Secrets are not here: they arrive as NBHUB_* environment
variables from Secrets. hub.extraConfig is deep-merged last, so an operator can set any key.
*/}}
{{- define "nbhub.hub.config" -}}
{{- $su := .Values.singleuser -}}
{{- $auth := .Values.auth -}}
{{- $cull := .Values.cull -}}
{{- $config := dict
  "hub" (dict
    "ip" "0.0.0.0"
    "port" .Values.hub.port
    "connect_url" (include "nbhub.hub.url" .)
    "public_url" (include "nbhub.hub.publicUrl" .)
    "data_dir" "/srv/notebook-hub"
    "profiles_dir" "/etc/notebook-hub/profiles"
    "admin_users" .Values.hub.adminUsers
    "db" (dict "url" (include "nbhub.hub.db.url" .)))
  "proxy" (dict
    "mode" "external"
    "api_url" (include "nbhub.proxy-api.url" .))
  "spawner" (dict
    "type" "kubernetes"
    "start_timeout" $su.startTimeout
    "kubernetes" (dict
      "namespace" .Release.Namespace
      "hub_instance" .Release.Name
      "image" (printf "%s:%s" $su.image.name $su.image.tag)
      "image_pull_policy" $su.image.pullPolicy
      "image_pull_secrets" .Values.imagePullSecrets
      "port" 8888
      "uid" $su.uid
      "fs_group" $su.fsGid
      "home_mount_path" $su.storage.homeMountPath
      "storage" (dict
        "capacity" $su.storage.capacity
        "storage_class" $su.storage.storageClass
        "access_modes" $su.storage.accessModes
        "type" $su.storage.type
        "static" (dict "pvc_name" $su.storage.static.pvcName "sub_path" $su.storage.static.subPath))
      "user_namespaces" (dict "enabled" $su.userNamespaces.enabled "template" $su.userNamespaces.template)
      "service_account" $su.serviceAccountName
      "automount_service_account_token" $su.automountServiceAccountToken
      "termination_grace_period" $su.terminationGracePeriodSeconds
      "fail_on_unschedulable" $su.failOnUnschedulable
      "priority_class_name" (include "nbhub.userPriority.enabled" . | empty | not | ternary (include "nbhub.userPriority.fullname" .) "")
      "scheduler_name" (.Values.scheduling.userScheduler.enabled | ternary (include "nbhub.userScheduler.fullname" .) "")
      "placeholder_schedules" (include "nbhub.userPlaceholder.schedules" . | fromJsonArray)
      "delete_pvc_on_user_delete" $su.storage.deletePvcOnUserDelete))
  "auth" (dict
    "type" $auth.type
    "client_id" $auth.clientId
    "issuer_url" $auth.issuerUrl
    "callback_url" $auth.callbackUrl
    "scopes" $auth.scopes
    "username_claim" $auth.usernameClaim
    "groups_claim" $auth.groupsClaim
    "allowed_users" $auth.allowedUsers
    "allowed_groups" $auth.allowedGroups
    "blocked_users" $auth.blockedUsers
    "admin_users" $auth.adminUsers
    "admin_groups" $auth.adminGroups)
  "culler" (dict
    "enabled" $cull.enabled
    "timeout" $cull.timeout
    "every" $cull.every
    "max_age" $cull.maxAge
    "cull_users" $cull.users
    "remove_named_servers" $cull.removeNamedServers
    "concurrency" $cull.concurrency
    "policy" $cull.policy)
-}}
{{- toYaml (mustMergeOverwrite $config (deepCopy .Values.hub.extraConfig)) -}}
{{- end -}}

{{/* The hub's hub.db.url: empty (the embedded store) unless hub.db.type is postgres. */}}
{{- define "nbhub.hub.db.url" -}}
{{- if eq .Values.hub.db.type "postgres" -}}
{{- required "hub.db.url is required when hub.db.type is postgres (postgresql://USER@HOST:5432/DATABASE)" .Values.hub.db.url -}}
{{- end -}}
{{- end -}}
