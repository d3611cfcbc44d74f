package io.notebookhub.proxy.internal;

/**
 * Tells a notebook tab's background polling from a person's traffic, by plain string comparisons
 * (no regex, no allocation): GET/HEAD whose path after the route prefix starts with one of
 * Jupyter's polled API collections.
 */
public final class ActivityRules {
    private static final String[] POLLED = {
        "/api/status", "/api/sessions", "/api/kernels", "/api/kernelspecs", "/api/terminals",
        "/api/contents", "/api/me", "/api/metrics",
    };

    private ActivityRules() {}

    /**
     * @param readOnly the method is GET or HEAD
     * @param path the normalised request path (without query)
     * @param offset where the part after the route prefix starts
     */
    public static boolean isBackgroundPoll(boolean readOnly, String path, int offset) {
        if (!readOnly) {
            return false;
        }
        int restLength = path.length() - offset;
        if (restLength < 7 || !path.startsWith("/api/", offset)) {
            return false;
        }
        for (String p : POLLED) {
            int n = p.length();
            if (restLength >= n && path.startsWith(p, offset)) {
                if (restLength == n) {
                    return true;
                }
                char next = path.charAt(offset + n);
                if (next == '/' || next == '?') {
                    return true;
                }
            }
        }
        return false;
    }
}
