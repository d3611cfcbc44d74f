package io.notebookhub.profiles.internal;

import java.util.List;

/**
 * The field names of the Kubernetes objects admins write inside profiles (core/v1 as of Kubernetes 1.33), so a
 * misspelt field is refused at its line and column with a suggestion instead of being dropped by the API server.
 * Fields are camelCase, as in Kubernetes YAML.
 */
final class KubeFields {
    static final List<String> CONTAINER = List.of("name", "image", "command", "args", "workingDir", "ports",
            "envFrom", "env", "resources", "resizePolicy", "restartPolicy", "restartPolicyRules", "volumeMounts",
            "volumeDevices", "livenessProbe", "readinessProbe", "startupProbe", "lifecycle", "terminationMessagePath",
            "terminationMessagePolicy", "imagePullPolicy", "securityContext", "stdin", "stdinOnce", "tty");

    static final List<String> POD_SPEC = List.of("volumes", "initContainers", "containers", "ephemeralContainers",
            "restartPolicy", "terminationGracePeriodSeconds", "activeDeadlineSeconds", "dnsPolicy", "nodeSelector",
            "serviceAccountName", "serviceAccount", "automountServiceAccountToken", "nodeName", "hostNetwork",
            "hostPID", "hostIPC", "shareProcessNamespace", "securityContext", "imagePullSecrets", "hostname",
            "subdomain", "affinity", "schedulerName", "tolerations", "hostAliases", "priorityClassName", "priority",
            "dnsConfig", "readinessGates", "runtimeClassName", "enableServiceLinks", "preemptionPolicy", "overhead",
            "topologySpreadConstraints", "setHostnameAsFQDN", "os", "hostUsers", "schedulingGates",
            "resourceClaims", "resources", "hostnameOverride");

    static final List<String> LIFECYCLE = List.of("postStart", "preStop");

    static final List<String> HANDLER = List.of("exec", "httpGet", "tcpSocket", "sleep");

    static final List<String> POD_AFFINITY_TERM = List.of("labelSelector", "namespaces", "topologyKey",
            "namespaceSelector", "matchLabelKeys", "mismatchLabelKeys");

    static final List<String> WEIGHTED_POD_AFFINITY_TERM = List.of("weight", "podAffinityTerm");

    private KubeFields() {
    }
}
