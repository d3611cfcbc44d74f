package io.notebookhub.system.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClass;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every rendered document deserialises into fabric8's typed model (so it is a Kubernetes object the API
 * server knows), carries no field the model does not know (a typo would land in additionalProperties),
 * and has the fields its kind requires.
 */
class ChartKubernetesModelTest {

    private static final String DNS_LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
    private static final String DNS_SUBDOMAIN = DNS_LABEL + "(\\." + DNS_LABEL + ")*";
    private static final Map<String, Class<?>> TYPES = Map.ofEntries(
            Map.entry("Deployment", Deployment.class), Map.entry("Service", Service.class),
            Map.entry("ServiceAccount", ServiceAccount.class), Map.entry("ConfigMap", ConfigMap.class),
            Map.entry("Secret", Secret.class), Map.entry("PersistentVolumeClaim", PersistentVolumeClaim.class),
            Map.entry("Role", Role.class), Map.entry("RoleBinding", RoleBinding.class),
            Map.entry("NetworkPolicy", NetworkPolicy.class), Map.entry("PodDisruptionBudget", PodDisruptionBudget.class),
            Map.entry("Ingress", Ingress.class), Map.entry("PriorityClass", PriorityClass.class),
            Map.entry("StatefulSet", StatefulSet.class), Map.entry("DaemonSet", DaemonSet.class),
            Map.entry("Job", Job.class), Map.entry("ClusterRoleBinding", ClusterRoleBinding.class));

    static List<String> scenarios() {
        return ChartRendering.SCENARIOS;
    }

    private static List<HasMetadata> typed(String scenario) {
        List<HasMetadata> objects = new ArrayList<>();
        for (Map<String, Object> document : ChartRendering.of(scenario).objects) {
            try {
                objects.add(Serialization.unmarshal(ChartRendering.JSON.writeValueAsString(document)));
            } catch (JsonProcessingException e) {
                throw new AssertionError(e);
            }
        }
        return objects;
    }

    @ParameterizedTest(name = "values: {0}")
    @MethodSource("scenarios")
    void deserialisesEveryDocumentIntoItsTypedClass(String scenario) {
        for (HasMetadata object : typed(scenario)) {
            assertThat(object).isNotInstanceOf(GenericKubernetesResource.class);
            assertThat(object).isInstanceOf(TYPES.get(object.getKind()));
            assertThat(object.getMetadata().getName()).matches(DNS_SUBDOMAIN).hasSizeLessThanOrEqualTo(253);
            assertThat(object.getMetadata().getLabels())
                    .containsEntry("app.kubernetes.io/name", "notebook-hub")
                    .containsEntry("app.kubernetes.io/instance", ChartRendering.RELEASE);
        }
    }

    @ParameterizedTest(name = "values: {0}")
    @MethodSource("scenarios")
    void usesNoFieldTheKubernetesModelDoesNotKnow(String scenario) {
        for (HasMetadata object : typed(scenario)) {
            List<String> unknown = new ArrayList<>();
            collectUnknownFields(object, object.getKind() + "/" + object.getMetadata().getName(), unknown);
            assertThat(unknown).isEmpty();
        }
    }

    @ParameterizedTest(name = "values: {0}")
    @MethodSource("scenarios")
    void fillsTheFieldsEachKindRequires(String scenario) {
        for (HasMetadata object : typed(scenario)) {
            String what = object.getKind() + "/" + object.getMetadata().getName();
            if (object instanceof Deployment d) {
                assertThat(d.getSpec().getSelector().getMatchLabels()).as(what).isNotEmpty();
                assertThat(d.getSpec().getTemplate().getMetadata().getLabels())
                        .containsAllEntriesOf(d.getSpec().getSelector().getMatchLabels());
                checkPod(what, d.getSpec().getTemplate().getSpec());
            } else if (object instanceof StatefulSet st) {
                assertThat(st.getSpec().getTemplate().getMetadata().getLabels())
                        .containsAllEntriesOf(st.getSpec().getSelector().getMatchLabels());
                assertThat(st.getSpec().getServiceName()).as(what).isNotBlank();
                checkPod(what, st.getSpec().getTemplate().getSpec());
            } else if (object instanceof DaemonSet ds) {
                assertThat(ds.getSpec().getSelector().getMatchLabels()).as(what).isNotEmpty();
                assertThat(ds.getSpec().getTemplate().getMetadata().getLabels())
                        .containsAllEntriesOf(ds.getSpec().getSelector().getMatchLabels());
                checkPod(what, ds.getSpec().getTemplate().getSpec());
            } else if (object instanceof Job job) {
                assertThat(job.getSpec().getTemplate().getSpec().getRestartPolicy()).as(what).isIn("Never", "OnFailure");
                checkPod(what, job.getSpec().getTemplate().getSpec());
            } else if (object instanceof ClusterRoleBinding crb) {
                assertThat(crb.getRoleRef().getKind()).as(what).isEqualTo("ClusterRole");
                assertThat(crb.getSubjects()).as(what).isNotEmpty()
                        .allSatisfy(s -> assertThat(s.getNamespace()).isEqualTo(ChartRendering.NAMESPACE));
            } else if (object instanceof Service s) {
                assertThat(s.getMetadata().getName()).as(what).matches(DNS_LABEL).hasSizeLessThanOrEqualTo(63);
                assertThat(s.getSpec().getSelector()).as(what).isNotEmpty();
                assertThat(s.getSpec().getPorts()).as(what).isNotEmpty().allSatisfy(p -> {
                    assertThat(p.getPort()).isBetween(1, 65535);
                    assertThat(p.getTargetPort()).isNotNull();
                });
            } else if (object instanceof ConfigMap c) {
                assertThat(c.getData()).as(what).isNotEmpty();
            } else if (object instanceof Secret s) {
                assertThat(s.getData()).as(what).isNotEmpty().allSatisfy((k, v) ->
                    assertThatCode(() -> Base64.getDecoder().decode(v)).doesNotThrowAnyException());
            } else if (object instanceof PersistentVolumeClaim pvc) {
                assertThat(pvc.getSpec().getAccessModes()).as(what).isNotEmpty();
                assertThat(pvc.getSpec().getResources().getRequests()).as(what).containsKey("storage");
            } else if (object instanceof Role r) {
                assertThat(r.getRules()).as(what).isNotEmpty().allSatisfy(rule -> {
                assertThat(rule.getVerbs()).isNotEmpty();
                assertThat(rule.getResources()).isNotEmpty();
                });
            } else if (object instanceof RoleBinding rb) {
                assertThat(rb.getRoleRef().getKind()).isEqualTo("Role");
                assertThat(rb.getSubjects()).as(what).isNotEmpty()
                        .allSatisfy(s -> assertThat(s.getKind()).isEqualTo("ServiceAccount"));
            } else if (object instanceof NetworkPolicy np) {
                assertThat(np.getSpec().getPodSelector()).as(what).isNotNull();
                assertThat(np.getSpec().getPolicyTypes()).as(what).isNotEmpty();
            } else if (object instanceof PodDisruptionBudget pdb) {
                assertThat(pdb.getSpec().getSelector()).as(what).isNotNull();
                assertThat(pdb.getSpec().getMinAvailable() == null)
                        .as("%s sets exactly one of minAvailable, maxUnavailable", what)
                        .isNotEqualTo(pdb.getSpec().getMaxUnavailable() == null);
            } else if (object instanceof Ingress ing) {
                assertThat(ing.getSpec().getRules()).as(what).isNotEmpty().allSatisfy(rule ->
                    assertThat(rule.getHttp().getPaths()).allSatisfy(path -> {
                        assertThat(path.getPathType()).isNotBlank();
                        assertThat(path.getBackend().getService().getName()).isNotBlank();
                    }));
            } else if (object instanceof PriorityClass pc) {
                assertThat(pc.getValue()).as(what).isNotNull();
            } else if (object instanceof ServiceAccount sa) {
                assertThat(sa.getMetadata().getName()).as(what).isNotBlank();
            } else {
                throw new AssertionError("unexpected kind " + what);
            }
        }
    }

    private static void checkPod(String what, PodSpec pod) {
        assertThat(pod.getContainers()).as(what).isNotEmpty();
        Set<String> volumes = pod.getVolumes().stream().map(Volume::getName).collect(Collectors.toSet());
        for (Container container : pod.getContainers()) {
            assertThat(container.getName()).as(what).matches(DNS_LABEL);
            assertThat(container.getImage()).as(what).isNotBlank().contains(":");
            assertThat(container.getPorts()).as(what).allSatisfy(p -> {
                assertThat(p.getContainerPort()).isBetween(1, 65535);
                if (p.getName() != null) {
                    assertThat(p.getName()).hasSizeLessThanOrEqualTo(15);
                }
            });
            assertThat(container.getVolumeMounts()).as(what)
                    .allSatisfy(m -> assertThat(volumes).contains(m.getName()));
            assertThat(container.getEnv()).as(what).allSatisfy(e -> assertThat(e.getName()).isNotBlank());
        }
    }

    /** Walks the typed object graph; fields fabric8 could not map end up in additionalProperties. */
    private static void collectUnknownFields(Object node, String path, List<String> unknown) {
        if (node == null) {
            return;
        }
        if (node instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                collectUnknownFields(item, path + "[" + i++ + "]", unknown);
            }
            return;
        }
        if (node instanceof Map<?, ?> entries) {
            entries.forEach((k, v) -> collectUnknownFields(v, path + "." + k, unknown));
            return;
        }
        if (!node.getClass().getPackageName().startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        for (Method getter : node.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers())
                    || !getter.getName().startsWith("get") || getter.getDeclaringClass() == Object.class) {
                continue;
            }
            Object value;
            try {
                value = getter.invoke(node);
            } catch (IllegalAccessException | InvocationTargetException e) {
                continue;
            }
            if (getter.getName().equals("getAdditionalProperties")) {
                if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    unknown.add(path + ": " + extra.keySet());
                }
            } else {
                collectUnknownFields(value, path + "." + getter.getName().substring(3), unknown);
            }
        }
    }
}
