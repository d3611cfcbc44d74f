package io.notebookhub.profiles;

import java.time.Instant;
import java.util.List;

/**
 * What happened when changed files were read again.
 *
 * @param applied true when the new set is now in force; false when it was refused and the previous set kept
 * @param profiles the set in force after this reload (the new one, or the kept one)
 * @param errors why the change was refused; empty when applied
 */
public record ReloadOutcome(boolean applied, List<Profile> profiles, List<ProfileError> errors, Instant at) {
}
