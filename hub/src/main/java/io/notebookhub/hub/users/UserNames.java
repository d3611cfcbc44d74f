package io.notebookhub.hub.users;

import java.util.Locale;
import java.util.Optional;

/**
 * Which user names the hub accepts. Names appear in URLs ({@code /user/NAME/}), cookies and folder names, so
 * anything that could change a path's meaning is refused with a reason rather than silently rewritten.
 */
public final class UserNames {
    public static final int MAX_LENGTH = 255;

    private UserNames() {
    }

    /** JupyterHub's default normalisation: lower case, surrounding blanks removed. */
    public static String normalize(String name) {
        return name == null ? "" : name.strip().toLowerCase(Locale.ROOT);
    }

    /** Why the name is refused, or empty when it is acceptable. */
    public static Optional<String> problem(String name) {
        if (name == null || name.isEmpty()) {
            return Optional.of("a user name must not be empty");
        }
        if (name.length() > MAX_LENGTH) {
            return Optional.of("a user name must be at most " + MAX_LENGTH + " characters, not " + name.length());
        }
        if (name.equals(".") || name.equals("..")) {
            return Optional.of("'" + name + "' is not a user name");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '/' || c == '\\') {
                return Optional.of("a user name must not contain '/' or '\\'");
            }
            if (Character.isWhitespace(c) || Character.isISOControl(c)) {
                return Optional.of("a user name must not contain spaces or control characters");
            }
            if (c == '%' || c == '?' || c == '#') {
                return Optional.of("a user name must not contain '%', '?' or '#'");
            }
        }
        return Optional.empty();
    }

    /** Server names follow the same rules, except the default server's empty name. */
    public static Optional<String> serverNameProblem(String name) {
        if (name.isEmpty()) {
            return Optional.empty();
        }
        return problem(name).map(p -> p.replace("user name", "server name"));
    }
}
