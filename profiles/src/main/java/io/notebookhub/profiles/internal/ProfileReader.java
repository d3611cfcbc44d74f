package io.notebookhub.profiles.internal;

import io.notebookhub.profiles.Profile;
import io.notebookhub.profiles.ProfileError;
import io.notebookhub.profiles.ProfileOption;
import io.notebookhub.profiles.ProfileOverrides;
import io.notebookhub.profiles.internal.YamlNodes.Field;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads one profile file: a single profile (a mapping), or a list of profiles. Works on SnakeYAML's node tree
 * rather than data-binding so that every value keeps its line and column.
 */
public final class ProfileReader {
    static final List<String> PROFILE_META_KEYS = List.of("slug", "display_name", "description", "default",
            "allowed_users", "allowed_groups", "max_servers", "options");
    public static final List<String> PROFILE_KEYS = Stream.concat(PROFILE_META_KEYS.stream(),
            OverridesReader.KEYS.stream()).toList();
    private static final List<String> OPTION_KEYS = List.of("display_name", "choices", "unlisted_choice");
    private static final List<String> CHOICE_KEYS = List.of("display_name", "default", "overrides");
    private static final List<String> UNLISTED_KEYS = List.of("enabled", "display_name", "validation_regex",
            "validation_message", "overrides");
    private static final Pattern OPTION_NAME = Pattern.compile("[A-Za-z0-9_]+(-[A-Za-z0-9_]+)*");
    private static final Pattern CHOICE_SLUG = Pattern.compile("[A-Za-z0-9._-]+");

    /** One profile as read, kept even when invalid so that set-wide checks can still name its slug and default. */
    public record Draft(Profile profile, String slug, Node slugNode, boolean isDefault, Node defaultNode,
                        YamlNodes yaml, Node node) {
    }

    private final YamlNodes yaml;
    private final OverridesReader overrides;

    private ProfileReader(YamlNodes yaml) {
        this.yaml = yaml;
        this.overrides = new OverridesReader(yaml);
    }

    /** Reads {@code text}, adding problems to {@code errors}; the drafts' profiles are null where invalid. */
    public static List<Draft> read(String file, String text, List<ProfileError> errors) {
        YamlNodes yaml = new YamlNodes(file, errors);
        ProfileReader reader = new ProfileReader(yaml);
        List<Node> documents = new ArrayList<>();
        try {
            new Yaml(new LoaderOptions()).composeAll(new StringReader(text)).forEach(documents::add);
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String problem = e.getProblem() != null ? e.getProblem() : e.getMessage();
            String context = e.getContext() != null ? " (" + e.getContext() + ")" : "";
            errors.add(new ProfileError(file, mark == null ? 1 : mark.getLine() + 1,
                    mark == null ? 1 : mark.getColumn() + 1, "YAML syntax: " + problem + context));
            return List.of();
        } catch (YAMLException e) {
            errors.add(new ProfileError(file, 1, 1, "YAML syntax: " + e.getMessage()));
            return List.of();
        }
        if (documents.isEmpty()) {
            errors.add(new ProfileError(file, 1, 1, "no profile in this file (write one profile as a mapping, a list "
                    + "of profiles, or [] for none)"));
            return List.of();
        }
        List<Draft> drafts = new ArrayList<>();
        for (Node document : documents) {
            if (document instanceof SequenceNode list) {
                list.getValue().forEach(n -> drafts.add(reader.profile(n)));
            } else if (document instanceof MappingNode) {
                drafts.add(reader.profile(document));
            } else {
                yaml.error(document, "", "expected a profile (a mapping) or a list of profiles, found "
                        + YamlNodes.describe(document));
            }
        }
        return drafts;
    }

    private Draft profile(Node node) {
        int before = yaml.errorCount();
        Map<String, Field> f = yaml.fields(node, "", PROFILE_KEYS, "a profile (a mapping with slug, display_name, ...)");
        if (f == null) {
            return new Draft(null, null, null, false, null, yaml, node);
        }
        String slug = null;
        Node slugNode = null;
        if (!f.containsKey("slug")) {
            yaml.error(node, "", "missing required key \"slug\"");
        } else {
            slugNode = f.get("slug").value();
            slug = yaml.nonEmptyString(slugNode, "slug");
            Optional<String> p = slug == null ? Optional.empty() : Names.dnsLabelProblem("slug", slug);
            if (p.isPresent()) {
                yaml.error(slugNode, "", p.get());
                slug = null;
            }
        }
        String displayName = f.containsKey("display_name")
                ? yaml.nonEmptyString(f.get("display_name").value(), "display_name") : slug;
        String description = f.containsKey("description")
                ? yaml.string(f.get("description").value(), "description") : "";
        Boolean isDefault = f.containsKey("default") ? yaml.bool(f.get("default").value(), "default") : Boolean.FALSE;
        List<String> users = f.containsKey("allowed_users")
                ? yaml.strings(f.get("allowed_users").value(), "allowed_users") : List.of();
        List<String> groups = f.containsKey("allowed_groups")
                ? yaml.strings(f.get("allowed_groups").value(), "allowed_groups") : List.of();
        Long maxServers = f.containsKey("max_servers")
                ? yaml.integer(f.get("max_servers").value(), "max_servers", 1, 100_000) : null;
        ProfileOverrides own = overrides.read(f, "", false);
        List<ProfileOption> options = f.containsKey("options")
                ? options(f.get("options").value(), own) : List.of();
        Node defaultNode = f.containsKey("default") ? f.get("default").value() : null;
        boolean markedDefault = Boolean.TRUE.equals(isDefault);
        if (yaml.errorCount() > before) {
            return new Draft(null, slug, slugNode, markedDefault, defaultNode, yaml, node);
        }
        Profile profile = new Profile(slug, displayName, description, markedDefault,
                Collections.unmodifiableSet(new LinkedHashSet<>(users)),
                Collections.unmodifiableSet(new LinkedHashSet<>(groups)),
                maxServers == null ? null : maxServers.intValue(), own, options, yaml.position(node));
        return new Draft(profile, slug, slugNode, markedDefault, defaultNode, yaml, node);
    }

    private List<ProfileOption> options(Node node, ProfileOverrides profile) {
        Map<String, Field> f = yaml.fields(node, "options", null, "a mapping of option name to option");
        if (f == null) {
            return List.of();
        }
        List<ProfileOption> out = new ArrayList<>();
        for (Field field : f.values()) {
            String path = "options." + field.key();
            if (!OPTION_NAME.matcher(field.key()).matches() || field.key().equals("profile")) {
                yaml.error(field.keyNode(), "options", "\"" + field.key() + "\" cannot be an option name (letters, "
                        + "digits, '_' and single '-' inside; \"profile\" is reserved)");
                continue;
            }
            ProfileOption option = option(field, path, profile);
            if (option != null) {
                out.add(option);
            }
        }
        return List.copyOf(out);
    }

    private ProfileOption option(Field field, String path, ProfileOverrides profile) {
        Map<String, Field> f = yaml.fields(field.value(), path, OPTION_KEYS,
                "an option (display_name, choices, unlisted_choice)");
        if (f == null) {
            return null;
        }
        int before = yaml.errorCount();
        String displayName = f.containsKey("display_name")
                ? yaml.nonEmptyString(f.get("display_name").value(), path + ".display_name") : field.key();
        List<ProfileOption.Choice> choices = new ArrayList<>();
        if (f.containsKey("choices")) {
            Map<String, Field> cf = yaml.fields(f.get("choices").value(), path + ".choices", null,
                    "a mapping of choice slug to choice");
            Field firstDefault = null;
            for (Field c : cf == null ? List.<Field>of() : cf.values()) {
                String cpath = path + ".choices." + c.key();
                if (!CHOICE_SLUG.matcher(c.key()).matches()) {
                    yaml.error(c.keyNode(), path + ".choices", "\"" + c.key() + "\" cannot be a choice slug "
                            + "(letters, digits, '.', '_' and '-')");
                    continue;
                }
                ProfileOption.Choice choice = choice(c, cpath, profile);
                if (choice == null) {
                    continue;
                }
                if (choice.isDefault()) {
                    if (firstDefault != null) {
                        yaml.error(c.keyNode(), path + ".choices", "\"" + c.key() + "\" and \"" + firstDefault.key()
                                + "\" are both marked default; mark at most one");
                    } else {
                        firstDefault = c;
                    }
                }
                choices.add(choice);
            }
        }
        ProfileOption.UnlistedChoice unlisted = null;
        if (f.containsKey("unlisted_choice")) {
            unlisted = unlisted(f.get("unlisted_choice").value(), path + ".unlisted_choice");
        }
        if (yaml.errorCount() > before) {
            return null;
        }
        if (choices.isEmpty() && unlisted == null) {
            yaml.error(field.keyNode(), path, "an option needs choices or an enabled unlisted_choice");
            return null;
        }
        return new ProfileOption(field.key(), displayName, List.copyOf(choices), unlisted);
    }

    private ProfileOption.Choice choice(Field c, String path, ProfileOverrides profile) {
        Map<String, Field> f = yaml.fields(c.value(), path, CHOICE_KEYS, "a choice (display_name, default, overrides)");
        if (f == null) {
            return null;
        }
        int before = yaml.errorCount();
        String displayName = f.containsKey("display_name")
                ? yaml.nonEmptyString(f.get("display_name").value(), path + ".display_name") : c.key();
        Boolean isDefault = f.containsKey("default") ? yaml.bool(f.get("default").value(), path + ".default") : false;
        ProfileOverrides own = ProfileOverrides.NONE;
        if (f.containsKey("overrides")) {
            Map<String, Field> of = yaml.fields(f.get("overrides").value(), path + ".overrides", OverridesReader.KEYS,
                    "a mapping of override keys (image, cpu, memory, ...)");
            if (of != null) {
                own = overrides.read(of, path + ".overrides.", false);
                if (yaml.errorCount() == before) {
                    checkCombined(profile, own, f.get("overrides").value(), path + ".overrides");
                }
            }
        }
        if (yaml.errorCount() > before) {
            return null;
        }
        return new ProfileOption.Choice(c.key(), displayName, Boolean.TRUE.equals(isDefault), own);
    }

    /** A choice can raise a limit or a guarantee alone; the pair it leaves must still be in order. */
    private void checkCombined(ProfileOverrides profile, ProfileOverrides choice, Node at, String path) {
        ProfileOverrides combined = OverridesMerger.merge(profile, choice);
        OverridesMerger.resourceProblem(combined).ifPresent(p -> yaml.error(at, path, "with this choice, " + p));
    }

    private ProfileOption.UnlistedChoice unlisted(Node node, String path) {
        Map<String, Field> f = yaml.fields(node, path, UNLISTED_KEYS,
                "an unlisted choice (display_name, validation_regex, validation_message, overrides)");
        if (f == null) {
            return null;
        }
        Boolean enabled = f.containsKey("enabled") ? yaml.bool(f.get("enabled").value(), path + ".enabled") : true;
        String displayName = f.containsKey("display_name")
                ? yaml.nonEmptyString(f.get("display_name").value(), path + ".display_name") : "Other";
        String message = f.containsKey("validation_message")
                ? yaml.nonEmptyString(f.get("validation_message").value(), path + ".validation_message") : null;
        String regex = null;
        if (!f.containsKey("validation_regex") && Boolean.TRUE.equals(enabled)) {
            yaml.error(node, path, "validation_regex is required (free text is only accepted when it matches)");
        } else if (f.containsKey("validation_regex")) {
            Node rn = f.get("validation_regex").value();
            regex = yaml.nonEmptyString(rn, path + ".validation_regex");
            if (regex != null) {
                try {
                    Pattern.compile(regex);
                } catch (PatternSyntaxException e) {
                    yaml.error(rn, path + ".validation_regex", "not a valid regular expression: "
                            + e.getDescription() + " near index " + e.getIndex());
                    regex = null;
                }
            }
        }
        ProfileOverrides own = ProfileOverrides.NONE;
        if (f.containsKey("overrides")) {
            Map<String, Field> of = yaml.fields(f.get("overrides").value(), path + ".overrides", OverridesReader.KEYS,
                    "a mapping of override keys (image, cpu, memory, ...)");
            if (of != null) {
                own = overrides.read(of, path + ".overrides.", true);
            }
        }
        if (!Boolean.TRUE.equals(enabled)) {
            return null;
        }
        return new ProfileOption.UnlistedChoice(displayName, regex, message, own);
    }
}
