package io.notebookhub.spawner.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.notebookhub.spawner.kubernetes.watch.PodFailures;
import java.util.List;
import org.junit.jupiter.api.Test;

class PodFailuresTest {

    private static PodBuilder pod() {
        return new PodBuilder().withNewMetadata().withName("jupyter-alice").endMetadata();
    }

    private static Pod unschedulable() {
        return pod().withNewStatus().withPhase("Pending").addNewCondition().withType("PodScheduled")
                .withStatus("False").withReason("Unschedulable")
                .withMessage("0/5 nodes are available: 5 Insufficient nvidia.com/gpu.").endCondition().endStatus()
                .build();
    }

    @Test
    void saysPlainlyWhenNoNodeFits() {
        assertThat(PodFailures.classify(unschedulable(), List.of(), true)).hasValue(
                "No node can run your server: 0/5 nodes are available: 5 Insufficient nvidia.com/gpu.");
    }

    @Test
    void keepsWaitingWhileTheAutoscalerAddsANode() {
        Event scaleUp = new EventBuilder().withReason("TriggeredScaleUp").build();
        assertThat(PodFailures.classify(unschedulable(), List.of(scaleUp), true)).isEmpty();
        assertThat(PodFailures.classify(unschedulable(), List.of(), false)).isEmpty();
    }

    @Test
    void keepsWaitingWhileTheNewHomeVolumeIsProvisioned() {
        Pod pod = new PodBuilder(unschedulable()).editStatus().editCondition(0).withMessage(
                "0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/3 nodes "
                        + "are available: 3 Preemption is not helpful for scheduling.").endCondition().endStatus()
                .build();

        assertThat(PodFailures.classify(pod, List.of(), true)).isEmpty();
    }

    @Test
    void keepsWaitingWhileTheSchedulerHasNotYetSeenTheNewlyBoundVolume() {
        // A real scheduler, seen right after the claim was bound: its volume cache lags the PV controller.
        Pod pod = new PodBuilder(unschedulable()).editStatus().editCondition(0).withMessage(
                "0/3 nodes are available: persistentvolume \"pvc-04d8e1a2\" not found. not found").endCondition()
                .endStatus().build();

        assertThat(PodFailures.classify(pod, List.of(), true)).isEmpty();
    }

    @Test
    void namesTheImageThatCannotBePulled() {
        Pod pod = pod().withNewStatus().withPhase("Pending").withContainerStatuses(new ContainerStatusBuilder()
                .withName("notebook").withImage("nope:1").withNewState().withNewWaiting().withReason("ImagePullBackOff")
                .withMessage("Back-off pulling image").endWaiting().endState().build()).endStatus().build();

        assertThat(PodFailures.classify(pod, List.of(), true)).hasValueSatisfying(reason ->
                assertThat(reason).contains("nope:1").contains("ImagePullBackOff"));
    }

    @Test
    void reportsTheExitCodeOfACrashingContainer() {
        Pod pod = pod().withNewStatus().withPhase("Running").withContainerStatuses(new ContainerStatusBuilder()
                .withName("notebook").withNewState().withNewWaiting().withReason("CrashLoopBackOff").endWaiting()
                .endState().withNewLastState().withNewTerminated().withExitCode(127).withReason("Error")
                .endTerminated().endLastState().build()).endStatus().build();

        assertThat(PodFailures.classify(pod, List.of(), true)).hasValueSatisfying(reason ->
                assertThat(reason).contains("keeps crashing").contains("exit code 127"));
    }

    @Test
    void isReadyOnlyWhenRunningWithAReadyContainerAndAnIp() {
        Pod notReady = pod().withNewStatus().withPhase("Running").withPodIP("10.0.0.7")
                .withContainerStatuses(new ContainerStatusBuilder().withName("notebook").withReady(false).build())
                .endStatus().build();
        Pod ready = new PodBuilder(notReady).editStatus().editContainerStatus(0).withReady(true).endContainerStatus()
                .endStatus().build();

        assertThat(PodFailures.readyUrl(notReady, 8888)).isEmpty();
        assertThat(PodFailures.readyUrl(ready, 8888)).hasValue("http://10.0.0.7:8888");
        assertThat(PodFailures.classify(notReady, List.of(), true)).isEmpty();
        assertThat(PodFailures.describe(notReady)).isEqualTo("pod phase Running, container not ready");
    }

    @Test
    void namesWhatNoNodeOfferedFromTheSchedulersMessage() {
        assertThat(PodFailures.waitingForNode("0/3 nodes are available: 1 Insufficient nvidia.com/gpu, 2 node(s) had "
                + "untolerated taint {nvidia.com/gpu: }. preemption: 0/3 nodes are available: 3 Preemption is not "
                + "helpful for scheduling.")).isEqualTo("Waiting for a node with a free nvidia.com/gpu and no taint "
                + "nvidia.com/gpu (or a toleration for it) (the cluster may be adding one)");
        assertThat(PodFailures.missing("0/2 nodes are available: 2 node(s) didn't match Pod's node affinity/selector."))
                .isEqualTo("the labels of the server's node selector or affinity");
        assertThat(PodFailures.missing("0/1 nodes are available: 1 Insufficient memory.")).isEqualTo("a free memory");
    }

    @Test
    void namesAnOutOfMemoryKillWithTheLimit() {
        Pod pod = pod().withNewSpec().addNewContainer().withName("notebook").withNewResources()
                .addToLimits("memory", new io.fabric8.kubernetes.api.model.Quantity("4Gi")).endResources()
                .endContainer().endSpec()
                .withNewStatus().withPhase("Failed").addToContainerStatuses(new ContainerStatusBuilder()
                        .withName("notebook").withNewState().withNewTerminated().withExitCode(137)
                        .withReason("OOMKilled").endTerminated().endState().build()).endStatus().build();

        assertThat(PodFailures.outOfMemory(pod)).hasValue("Your server ran out of memory (limit 4Gi) and was stopped.");
        assertThat(PodFailures.classify(pod, List.of(), false))
                .hasValue("Your server ran out of memory (limit 4Gi) while starting and was stopped.");
    }
}
