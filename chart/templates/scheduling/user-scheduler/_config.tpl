{{/*
The KubeSchedulerConfiguration. Node affinity and pod affinity still decide first (highest weights); among the nodes
they leave, NodeResourcesFit with MostAllocated prefers the fullest. Balanced allocation would spread, so it is off.
*/}}
{{- define "nbhub.userScheduler.config" -}}
{{- $us := .Values.scheduling.userScheduler -}}
apiVersion: kubescheduler.config.k8s.io/v1
kind: KubeSchedulerConfiguration
leaderElection:
  leaderElect: {{ gt (int $us.replicas) 1 }}
  resourceLock: leases
  resourceName: {{ include "nbhub.userScheduler.fullname" . }}
  resourceNamespace: {{ .Release.Namespace }}
profiles:
  - schedulerName: {{ include "nbhub.userScheduler.fullname" . }}
    plugins:
      score:
        disabled:
          - name: NodeResourcesBalancedAllocation
          - name: NodeAffinity
          - name: InterPodAffinity
          - name: NodeResourcesFit
          - name: ImageLocality
        enabled:
          - name: NodeAffinity
            weight: 14631
          - name: InterPodAffinity
            weight: 1331
          - name: NodeResourcesFit
            weight: 121
          - name: ImageLocality
            weight: 11
    pluginConfig:
      - name: NodeResourcesFit
        args:
          scoringStrategy:
            type: MostAllocated
            resources:
              {{- toYaml $us.packedResources | nindent 14 }}
{{- end -}}
