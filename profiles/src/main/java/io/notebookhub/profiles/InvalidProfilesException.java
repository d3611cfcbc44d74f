package io.notebookhub.profiles;

import java.util.List;
import java.util.stream.Collectors;

/** The profile files cannot be used; {@link #errors()} says where and why. */
public class InvalidProfilesException extends RuntimeException {
    private final transient List<ProfileError> errors;

    public InvalidProfilesException(List<ProfileError> errors) {
        super(errors.stream().map(ProfileError::toString).collect(Collectors.joining("\n")));
        this.errors = List.copyOf(errors);
    }

    public List<ProfileError> errors() {
        return errors;
    }
}
