package io.notebookhub.hub.refusals;

/**
 * A request the hub's domain turns down for a reason the person who sent it can act on. The domain says what kind
 * of refusal it is; the HTTP layer alone decides the status it becomes.
 */
public abstract sealed class Refusal extends RuntimeException permits InvalidRequest, Conflict {
    protected Refusal(String message) {
        super(message, null, false, false);
    }
}
