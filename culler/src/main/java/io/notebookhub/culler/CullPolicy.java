package io.notebookhub.culler;

import io.notebookhub.culler.internal.ActivityAwarePolicy;
import io.notebookhub.culler.internal.TrafficOnlyPolicy;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Decides what counts as activity on a server. The culler compares the answer with the server's timeout;
 * {@code max_age}, exemptions and the timeout itself are the culler's business, not the policy's.
 * README.md lists exactly what each implementation counts.
 */
public interface CullPolicy {

    /** The id used in config and on the command line: {@code activity} or {@code traffic}. */
    String id();

    /** Whether {@link #evaluate} wants the server's kernels and terminals. */
    boolean readsServerState();

    /**
     * @param state the server's state; empty when this policy does not read it, or when reading failed
     *        (then the policy must still answer, from the other facts)
     */
    Evidence evaluate(ServerFacts server, Optional<ServerState> state);

    /**
     * The policy's verdict on one server.
     *
     * @param lastActivity the latest moment that counts as activity (never before {@code started})
     * @param source what that moment came from, for the log ({@code kernel last_activity})
     * @param busy work is going on right now (a busy kernel): keep the server whatever the time
     */
    record Evidence(Instant lastActivity, String source, boolean busy) {
        public Evidence {
            Objects.requireNonNull(lastActivity, "lastActivity");
            Objects.requireNonNull(source, "source");
        }
    }

    /** The default: a busy kernel keeps a server; an open tab's background polling alone does not. */
    static CullPolicy activityAware() {
        return new ActivityAwarePolicy();
    }

    /** JupyterHub's rule: any proxied traffic and any activity report keeps a server. */
    static CullPolicy trafficOnly() {
        return new TrafficOnlyPolicy();
    }

    /** @throws IllegalArgumentException for an id other than {@code activity} or {@code traffic} */
    static CullPolicy byId(String id) {
        return switch (id) {
            case ActivityAwarePolicy.ID -> activityAware();
            case TrafficOnlyPolicy.ID -> trafficOnly();
            default -> throw new IllegalArgumentException(
                    "unknown cull policy '" + id + "' (expected " + ActivityAwarePolicy.ID + " or " + TrafficOnlyPolicy.ID + ")");
        };
    }
}
