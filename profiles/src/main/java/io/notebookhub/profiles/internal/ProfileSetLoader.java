package io.notebookhub.profiles.internal;

import io.notebookhub.profiles.Profile;
import io.notebookhub.profiles.ProfileError;
import io.notebookhub.profiles.internal.ProfileReader.Draft;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/** Reads a whole set of files and applies the rules that span files: unique slugs, exactly one default. */
public final class ProfileSetLoader {
    private ProfileSetLoader() {
    }

    /** The profiles (valid only when {@code errors} is empty) and the errors, in file order. */
    public record Result(List<Profile> profiles, List<ProfileError> errors) {
        public boolean valid() {
            return errors.isEmpty();
        }
    }

    /**
     * @param files display name (folder/file.yaml) to text, in the order profiles should be listed
     * @param setName how to name the set in an error about the set as a whole (the folder)
     */
    public static Result load(Map<String, String> files, String setName) {
        List<ProfileError> errors = new ArrayList<>();
        List<Draft> drafts = new ArrayList<>();
        files.forEach((file, text) -> drafts.addAll(ProfileReader.read(file, text, errors)));
        boolean fileErrors = !errors.isEmpty();

        Map<String, Draft> bySlug = new HashMap<>();
        Draft firstDefault = null;
        for (Draft d : drafts) {
            if (d.slug() != null) {
                Draft first = bySlug.putIfAbsent(d.slug(), d);
                if (first != null) {
                    d.yaml().error(d.slugNode(), "", "duplicate slug \"" + d.slug() + "\" (first defined at "
                            + first.yaml().position(first.slugNode()) + ")");
                }
            }
            if (d.isDefault()) {
                if (firstDefault == null) {
                    firstDefault = d;
                } else {
                    d.yaml().error(d.defaultNode(), "", "profile \"" + d.slug() + "\" is marked default, and so is \""
                            + firstDefault.slug() + "\" (" + firstDefault.yaml().position(firstDefault.defaultNode())
                            + "); mark exactly one");
                }
            }
        }
        if (drafts.isEmpty() && !fileErrors) {
            errors.add(new ProfileError(setName, 0, 0, "no profiles found (add *.yaml files)"));
        } else if (firstDefault == null && !fileErrors) {
            // Only when everything else is valid: a default flag that failed to parse would make this a false alarm.
            Draft first = drafts.get(0);
            first.yaml().error(first.node(), "", "no profile is marked \"default: true\"; mark exactly one");
        }
        List<Profile> profiles = new ArrayList<>();
        drafts.forEach(d -> {
            if (d.profile() != null) {
                profiles.add(d.profile());
            }
        });
        // A mapping merged into several profiles ("<<: *base") would otherwise report its mistakes once per profile.
        List<ProfileError> distinct = new ArrayList<>(new LinkedHashSet<>(errors));
        errors.clear();
        errors.addAll(distinct);
        List<String> order = new ArrayList<>(files.keySet());
        errors.sort(Comparator.comparingInt((ProfileError e) -> order.indexOf(e.file()))
                .thenComparingInt(ProfileError::line).thenComparingInt(ProfileError::column));
        return new Result(List.copyOf(profiles), List.copyOf(errors));
    }
}
