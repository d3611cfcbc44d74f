package io.notebookhub.profiles.internal;

import io.notebookhub.profiles.Profile;
import io.notebookhub.profiles.ProfileChoiceException;
import io.notebookhub.profiles.ProfileOption;
import io.notebookhub.profiles.ProfileOverrides;
import io.notebookhub.profiles.ResolvedProfile;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** An immutable, validated set of profiles: what is in force between two reloads. */
public final class ProfileSet {
    /** KubeSpawner's form encoding of a free-text value: {@code <option>--unlisted-choice}. */
    public static final String UNLISTED_SUFFIX = "--unlisted-choice";

    private final List<Profile> profiles;
    private final Map<String, Profile> bySlug;
    private final Profile defaultProfile;

    public ProfileSet(List<Profile> profiles) {
        if (profiles.isEmpty()) {
            throw new IllegalArgumentException("a profile set is never empty");
        }
        this.profiles = List.copyOf(profiles);
        Map<String, Profile> map = new LinkedHashMap<>();
        profiles.forEach(p -> map.put(p.slug(), p));
        this.bySlug = Collections.unmodifiableMap(map);
        this.defaultProfile = profiles.stream().filter(Profile::isDefault).findFirst().orElse(profiles.get(0));
    }

    public List<Profile> profiles() {
        return profiles;
    }

    public Optional<Profile> find(String slug) {
        return Optional.ofNullable(bySlug.get(slug));
    }

    public Profile defaultProfile() {
        return defaultProfile;
    }

    /**
     * Global &lt; profile &lt; each option's choice, in the profile's option order. Works only from its arguments
     * and this immutable set, so nothing of one spawn's choice can reach another.
     */
    public ResolvedProfile resolve(ProfileOverrides global, String slug, Map<String, String> choices) {
        Profile profile = slug == null || slug.isEmpty() ? defaultProfile : bySlug.get(slug);
        if (profile == null) {
            throw new ProfileChoiceException("there is no profile \"" + slug + "\"; available: "
                    + String.join(", ", bySlug.keySet()));
        }
        Map<String, String> asked = choices == null ? Map.of() : choices;
        for (String name : asked.keySet()) {
            String option = name.endsWith(UNLISTED_SUFFIX)
                    ? name.substring(0, name.length() - UNLISTED_SUFFIX.length()) : name;
            if (!option.equals("profile") && profile.options().stream().noneMatch(o -> o.name().equals(option))) {
                throw new ProfileChoiceException("profile \"" + profile.slug() + "\" has no option \"" + option + "\""
                        + (profile.options().isEmpty() ? "" : "; its options are: " + profile.options().stream()
                        .map(ProfileOption::name).collect(Collectors.joining(", "))));
            }
        }
        ProfileOverrides combined = OverridesMerger.merge(global == null ? ProfileOverrides.NONE : global,
                profile.overrides());
        Map<String, String> chosen = new LinkedHashMap<>();
        for (ProfileOption option : profile.options()) {
            String value = blankToNull(asked.get(option.name()));
            String unlistedValue = blankToNull(asked.get(option.name() + UNLISTED_SUFFIX));
            ProfileOverrides choice;
            if (unlistedValue != null) {
                choice = unlisted(profile, option, unlistedValue);
                value = unlistedValue;
            } else if (value == null) {
                ProfileOption.Choice d = defaultChoice(option);
                if (d == null) {
                    throw new ProfileChoiceException("option \"" + option.name() + "\" of profile \"" + profile.slug()
                            + "\" has no listed choices; enter a value");
                }
                value = d.slug();
                choice = d.overrides();
            } else {
                String v = value;
                Optional<ProfileOption.Choice> listed = option.choices().stream()
                        .filter(c -> c.slug().equals(v)).findFirst();
                choice = listed.isPresent() ? listed.get().overrides() : unlisted(profile, option, value);
            }
            chosen.put(option.name(), value);
            combined = OverridesMerger.merge(combined, choice);
        }
        Optional<String> problem = OverridesMerger.resourceProblem(combined);
        if (problem.isPresent()) {
            throw new ProfileChoiceException("profile \"" + profile.slug() + "\" with " + describe(chosen)
                    + " cannot be used: " + problem.get());
        }
        return new ResolvedProfile(profile.slug(), profile.displayName(), Collections.unmodifiableMap(chosen),
                combined.image(), combined.cpuGuarantee(), combined.cpuLimit(), combined.memoryGuarantee(),
                combined.memoryLimit(), combined.extraResourceLimits(), combined.tolerations(),
                combined.nodeSelector(), combined.nodeAffinity(), combined.env(), combined.volumes(),
                combined.volumeMounts(), combined.storage(), combined.idleTimeout(), combined.startTimeout(),
                profile.maxServers(), combined.pod());
    }

    private static String describe(Map<String, String> chosen) {
        return chosen.isEmpty() ? "no options" : chosen.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(", "));
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static ProfileOption.Choice defaultChoice(ProfileOption option) {
        return option.choices().stream().filter(ProfileOption.Choice::isDefault).findFirst()
                .orElse(option.choices().isEmpty() ? null : option.choices().get(0));
    }

    private static ProfileOverrides unlisted(Profile profile, ProfileOption option, String value) {
        ProfileOption.UnlistedChoice free = option.unlisted();
        if (free == null) {
            throw new ProfileChoiceException("\"" + value + "\" is not a choice of option \"" + option.name()
                    + "\" in profile \"" + profile.slug() + "\"; choose one of: " + option.choices().stream()
                    .map(ProfileOption.Choice::slug).collect(Collectors.joining(", ")));
        }
        if (!Pattern.compile(free.validationRegex()).matcher(value).matches()) {
            throw new ProfileChoiceException("\"" + value + "\" is not allowed for option \"" + option.name()
                    + "\" in profile \"" + profile.slug() + "\": " + (free.validationMessage() != null
                    ? free.validationMessage() : "it must match " + free.validationRegex()));
        }
        return OverridesMerger.substitute(free.overrides(), value);
    }
}
