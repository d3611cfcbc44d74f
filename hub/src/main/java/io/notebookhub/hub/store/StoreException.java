package io.notebookhub.hub.store;

import java.sql.SQLException;

/** A database failure; the hub answers 500 and logs it once. */
public class StoreException extends RuntimeException {
    public StoreException(String statement, SQLException cause) {
        super("store operation failed (" + cause.getMessage() + ") in: " + statement, cause);
    }
}
