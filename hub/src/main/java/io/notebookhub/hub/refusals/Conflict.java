package io.notebookhub.hub.refusals;

/** The request clashes with the current state (a server already starting or stopping, a full profile). */
public final class Conflict extends Refusal {
    public Conflict(String message) {
        super(message);
    }
}
