package io.notebookhub.proxy.internal;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * CHP's {@code --auto-rewrite} and {@code --protocol-rewrite}: a target that redirects to its own address
 * (it only knows the address the proxy reached it on) would send the browser there; the Location is
 * rewritten to the host the browser asked for and, if told, to another scheme. Redirects elsewhere are
 * left alone.
 */
final class RedirectRewrite {
    private final boolean autoRewrite;
    private final String protocol;

    /** @param protocol {@code http}, {@code https}, or null to keep the scheme */
    RedirectRewrite(boolean autoRewrite, String protocol) {
        this.autoRewrite = autoRewrite;
        this.protocol = protocol == null ? null : protocol.toLowerCase();
    }

    boolean enabled() {
        return autoRewrite || protocol != null;
    }

    static boolean isRedirect(int status) {
        return status == 201 || status == 301 || status == 302 || status == 307 || status == 308;
    }

    /** The Location to send, or {@code location} itself when it does not point at {@code target}. */
    String rewrite(String location, Target target, String requestHost) {
        URI u;
        try {
            u = new URI(location);
        } catch (URISyntaxException e) {
            return location;
        }
        if (u.getHost() == null || !pointsAt(u, target)) {
            return location;
        }
        String scheme = protocol != null ? protocol : u.getScheme();
        String authority = autoRewrite && requestHost != null ? requestHost : u.getRawAuthority();
        StringBuilder out = new StringBuilder(location.length() + 16).append(scheme).append("://").append(authority);
        if (u.getRawPath() != null) {
            out.append(u.getRawPath());
        }
        if (u.getRawQuery() != null) {
            out.append('?').append(u.getRawQuery());
        }
        if (u.getRawFragment() != null) {
            out.append('#').append(u.getRawFragment());
        }
        return out.toString();
    }

    private static boolean pointsAt(URI u, Target target) {
        String host = u.getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (!host.equalsIgnoreCase(target.host())) {
            return false;
        }
        int port = u.getPort();
        if (port == -1) {
            port = "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
        }
        return port == target.port();
    }
}
