package io.notebookhub.profiles;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The profiles currently in force. Implementations keep the last good set when an edit is invalid.
 */
public interface ProfileCatalog {

    /** The profiles in force, in the order the files define them. Never empty. */
    List<Profile> profiles();

    Optional<Profile> find(String slug);

    /** The one profile marked default (or the first, when the set marks none). */
    Profile defaultProfile();

    /**
     * Combines {@code global} &lt; the profile &lt; the chosen options into what a spawn uses.
     * Choices not named take the option's default.
     *
     * @throws ProfileChoiceException for an unknown profile, option or value, or one that fails its pattern
     */
    ResolvedProfile resolve(ProfileOverrides global, String slug, Map<String, String> choices);

    /** The error of the last refused edit, if the newest files on disk are not the ones in force. */
    Optional<String> lastError();
}
