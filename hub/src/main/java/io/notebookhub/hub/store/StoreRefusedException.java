package io.notebookhub.hub.store;

/**
 * The store cannot be used and start-up must stop: damaged, written by a newer version, in use by another hub, or
 * out of reach. The message is one line for a person, saying what is wrong and what to do.
 */
public final class StoreRefusedException extends RuntimeException {
    public StoreRefusedException(String message) {
        super(message);
    }

    public StoreRefusedException(String message, Throwable cause) {
        super(message, cause);
    }
}
