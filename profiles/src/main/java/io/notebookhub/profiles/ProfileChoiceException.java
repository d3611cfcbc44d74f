package io.notebookhub.profiles;

/** A spawn asked for a profile or option value it may not have; the message is for the user. */
public class ProfileChoiceException extends RuntimeException {
    public ProfileChoiceException(String message) {
        super(message);
    }
}
