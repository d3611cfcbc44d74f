package io.notebookhub.profiles.internal;

import java.util.Optional;
import java.util.regex.Pattern;

/** Kubernetes naming rules (apimachinery validation), quoted in messages so admins can fix names alone. */
public final class Names {
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern DNS_SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final Pattern QUALIFIED_NAME_PART = Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");
    private static final Pattern ENV_NAME = Pattern.compile("[-._a-zA-Z][-._a-zA-Z0-9]*");

    private Names() {
    }

    public static Optional<String> dnsLabelProblem(String what, String name) {
        if (name.isEmpty() || name.length() > 63 || !DNS_LABEL.matcher(name).matches()) {
            return Optional.of(what + " \"" + name + "\" is not a DNS label (1-63 characters: lowercase letters, "
                    + "digits and '-', starting and ending with a letter or digit)");
        }
        return Optional.empty();
    }

    /** Object names such as Secrets, service accounts and priority classes. */
    public static Optional<String> dnsSubdomainProblem(String what, String name) {
        if (name.isEmpty() || name.length() > 253 || !DNS_SUBDOMAIN.matcher(name).matches()) {
            return Optional.of(what + " \"" + name + "\" is not a valid Kubernetes object name (at most 253 "
                    + "lowercase letters, digits, '-' and '.', starting and ending with a letter or digit)");
        }
        return Optional.empty();
    }

    /** Label keys, taint keys and resource names: {@code [prefix/]name}. */
    public static Optional<String> qualifiedNameProblem(String what, String name) {
        String prefix = null;
        String local = name;
        int slash = name.indexOf('/');
        if (slash >= 0) {
            prefix = name.substring(0, slash);
            local = name.substring(slash + 1);
        }
        boolean prefixOk = prefix == null || (!prefix.isEmpty() && prefix.length() <= 253
                && DNS_SUBDOMAIN.matcher(prefix).matches());
        boolean localOk = !local.isEmpty() && local.length() <= 63 && QUALIFIED_NAME_PART.matcher(local).matches();
        if (!prefixOk || !localOk) {
            return Optional.of(what + " \"" + name + "\" is not a valid Kubernetes name ([prefix/]name, the name "
                    + "1-63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit)");
        }
        return Optional.empty();
    }

    public static Optional<String> labelValueProblem(String what, String value) {
        if (value.isEmpty()) {
            return Optional.empty();
        }
        if (value.length() > 63 || !QUALIFIED_NAME_PART.matcher(value).matches()) {
            return Optional.of(what + " \"" + value + "\" is not a valid label value (at most 63 letters, digits, "
                    + "'-', '_' or '.', starting and ending with a letter or digit)");
        }
        return Optional.empty();
    }

    public static Optional<String> envNameProblem(String name) {
        if (!ENV_NAME.matcher(name).matches()) {
            return Optional.of("\"" + name + "\" is not a valid environment variable name (letters, digits, '_', "
                    + "'-' and '.', not starting with a digit)");
        }
        return Optional.empty();
    }
}
