package io.notebookhub.hub.refusals;

/** The request cannot be served as asked (a bad name, an unknown or forbidden profile, a bad option choice). */
public final class InvalidRequest extends Refusal {
    public InvalidRequest(String message) {
        super(message);
    }
}
