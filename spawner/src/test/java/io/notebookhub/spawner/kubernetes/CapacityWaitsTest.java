package io.notebookhub.spawner.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.notebookhub.spawner.kubernetes.watch.CapacityWaits;
import org.junit.jupiter.api.Test;

class CapacityWaitsTest {

    private static Event event(String reason, String message, String host) {
        return new EventBuilder().withReason(reason).withMessage(message).withNewSource().withComponent("kubelet")
                .withHost(host).endSource().build();
    }

    @Test
    void namesTheImageAndTheNodeOfAPull() {
        assertThat(CapacityWaits.describe(event("Pulling",
                "Pulling image \"quay.io/jupyter/pytorch-notebook:cuda12-2024-10-07\"", "gpu-3")))
                .hasValue("Pulling image quay.io/jupyter/pytorch-notebook:cuda12-2024-10-07 on node gpu-3");
        assertThat(CapacityWaits.describe(event("Pulled",
                "Container image \"quay.io/jupyter/base-notebook:2024-10-07\" already present on machine", "cpu-1")))
                .hasValue("Image quay.io/jupyter/base-notebook:2024-10-07 is already on the node");
    }

    @Test
    void takesTheNodeFromTheReportingInstanceOfNewStyleEvents() {
        Event pulling = new EventBuilder().withReason("Pulling").withMessage("Pulling image \"a:1\"")
                .withReportingInstance("gpu-7").build();

        assertThat(CapacityWaits.describe(pulling)).hasValue("Pulling image a:1 on node gpu-7");
    }

    @Test
    void saysWhenTheAutoscalerAddsANodeAndWhenItWillNot() {
        assertThat(CapacityWaits.describe(event("TriggeredScaleUp",
                "pod triggered scale-up: [{gpu-pool 1->2 (max: 4)}]", null)))
                .hasValue("Waiting for the autoscaler to add a node (pod triggered scale-up: [{gpu-pool 1->2 (max: 4)}])");
        assertThat(CapacityWaits.describe(event("NotTriggerScaleUp",
                "pod didn't trigger scale-up: 1 max node group size reached", null)))
                .hasValue("The autoscaler will not add a node for this server "
                        + "(pod didn't trigger scale-up: 1 max node group size reached)");
    }

    @Test
    void leavesOtherEventsToTheirOwnWords() {
        assertThat(CapacityWaits.describe(event("Scheduled", "Successfully assigned a/b to cpu-1", null))).isEmpty();
        assertThat(CapacityWaits.describe(event("FailedScheduling", "0/3 nodes are available", null))).isEmpty();
    }

    @Test
    void saysAPlaceholderIsPreemptedWhileThePodIsNominatedButNotBound() {
        Pod nominated = new PodBuilder().withNewSpec().endSpec().withNewStatus().withPhase("Pending")
                .withNominatedNodeName("gpu-1").endStatus().build();
        Pod bound = new PodBuilder(nominated).editSpec().withNodeName("gpu-1").endSpec().build();

        assertThat(CapacityWaits.preempting(nominated))
                .hasValue("Preempting a lower-priority pod (a placeholder) on node gpu-1 to make room");
        assertThat(CapacityWaits.preempting(bound)).isEmpty();
        assertThat(CapacityWaits.preempting(new PodBuilder().withNewStatus().endStatus().build())).isEmpty();
    }
}
