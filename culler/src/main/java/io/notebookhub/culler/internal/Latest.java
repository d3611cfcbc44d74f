package io.notebookhub.culler.internal;

import io.notebookhub.culler.CullPolicy;
import java.time.Instant;

/** Keeps the latest of several timestamps and the name of its source. Not thread-safe; one per evaluation. */
final class Latest {
    private Instant at;
    private String source;

    Latest(Instant start, String source) {
        this.at = start;
        this.source = source;
    }

    Latest offer(Instant candidate, String candidateSource) {
        if (candidate != null && candidate.isAfter(at)) {
            at = candidate;
            source = candidateSource;
        }
        return this;
    }

    CullPolicy.Evidence evidence(boolean busy, String note) {
        return new CullPolicy.Evidence(at, note == null ? source : source + " (" + note + ")", busy);
    }
}
