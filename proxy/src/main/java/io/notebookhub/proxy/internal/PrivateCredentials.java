package io.notebookhub.proxy.internal;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Keeps the hub's own credentials away from users' servers: named cookies are cut out of the {@code Cookie}
 * header, and an {@code Authorization} header carrying one of the hub's private tokens is dropped. A user's server
 * runs that user's code, which can log every header it receives.
 */
final class PrivateCredentials {
    private final Set<String> cookies;
    private final Set<String> tokens;

    PrivateCredentials(Set<String> cookies, Set<String> tokens) {
        this.cookies = cookies;
        this.tokens = tokens;
    }

    boolean isEmpty() {
        return cookies.isEmpty() && tokens.isEmpty();
    }

    void strip(MultiMap headers) {
        if (!cookies.isEmpty() && mentionsPrivateCookie(headers.getAll(HttpHeaders.COOKIE))) {
            List<String> kept = new ArrayList<>();
            for (String header : headers.getAll(HttpHeaders.COOKIE)) {
                String rest = withoutPrivate(header);
                if (!rest.isEmpty()) {
                    kept.add(rest);
                }
            }
            headers.remove(HttpHeaders.COOKIE);
            if (!kept.isEmpty()) {
                headers.set(HttpHeaders.COOKIE, String.join("; ", kept));
            }
        }
        if (!tokens.isEmpty()) {
            String auth = headers.get(HttpHeaders.AUTHORIZATION);
            if (auth != null) {
                String[] parts = auth.trim().split("\\s+", 2);
                if (parts.length == 2 && tokens.contains(parts[1].trim())) {
                    headers.remove(HttpHeaders.AUTHORIZATION);
                }
            }
        }
    }

    /**
     * Most requests carry no hub cookie (it is scoped to /hub/), so the forwarding path rebuilds the Cookie header
     * only when a private name appears in it at all.
     */
    private boolean mentionsPrivateCookie(List<String> headers) {
        for (String header : headers) {
            for (String name : cookies) {
                if (header.contains(name)) {
                    return true;
                }
            }
        }
        return false;
    }

    private String withoutPrivate(String header) {
        StringBuilder out = new StringBuilder(header.length());
        for (String pair : header.split(";")) {
            String p = pair.trim();
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            String name = (eq < 0 ? p : p.substring(0, eq)).trim();
            if (cookies.contains(name)) {
                continue;
            }
            if (out.length() > 0) {
                out.append("; ");
            }
            out.append(p);
        }
        return out.toString();
    }
}
