package io.notebookhub.profiles;

import java.util.List;

/**
 * A choice inside a profile (an image, a GPU count), shown as a form control on the spawn page.
 *
 * @param name the form field and user-option key
 * @param displayName the label
 * @param choices the listed choices, in order; one is the default
 * @param unlisted the free-text choice, or null when only listed choices are allowed
 */
public record ProfileOption(String name, String displayName, List<Choice> choices, UnlistedChoice unlisted) {

    /** One listed value of an option. {@code overrides} apply on top of the profile when chosen. */
    public record Choice(String slug, String displayName, boolean isDefault, ProfileOverrides overrides) {}

    /**
     * A free-text value checked against {@code validationRegex} (whole match). {@code overrides}
     * may use the placeholder {@code {value}} in string fields (e.g. {@code image: "{value}"}).
     */
    public record UnlistedChoice(String displayName, String validationRegex, String validationMessage,
                                 ProfileOverrides overrides) {}
}
