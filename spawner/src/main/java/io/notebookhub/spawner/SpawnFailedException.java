package io.notebookhub.spawner;

/** A spawn that could not finish; the message says why in words a user understands. */
public class SpawnFailedException extends RuntimeException {
    public SpawnFailedException(String message) {
        super(message);
    }

    public SpawnFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
