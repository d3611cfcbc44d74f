package io.notebookhub.system;

import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A cookie-keeping HTTP client that follows redirects, like a browser without JavaScript. */
final class Browser {
    final CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
    final HttpClient client;
    private final String base;

    Browser(String base) {
        this.base = base;
        this.client = HttpClient.newBuilder().cookieHandler(cookies).followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> postForm(String path, String form) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> login(String user) throws IOException, InterruptedException {
        return postForm("/hub/login", "username=" + URLEncoder.encode(user, StandardCharsets.UTF_8) + "&password=pw");
    }

    String cookie(String name) {
        return cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals(name))
                .map(HttpCookie::getValue).findFirst().orElse(null);
    }

    /** The cookie a browser would send to {@code path} under this name: the one with the longest matching path. */
    String cookieFor(String path, String name) {
        return cookies.getCookieStore().get(URI.create(base + path)).stream().filter(c -> c.getName().equals(name))
                .filter(c -> c.getPath() == null || path.startsWith(c.getPath()))
                .max(java.util.Comparator.comparingInt(c -> c.getPath() == null ? 0 : c.getPath().length()))
                .map(HttpCookie::getValue).orElse(null);
    }

    /** The Cookie header a browser would send to {@code path}. */
    String cookieHeader(String path) {
        StringBuilder sb = new StringBuilder();
        for (HttpCookie c : cookies.getCookieStore().get(URI.create(base + path))) {
            if (sb.length() > 0) {
                sb.append("; ");
            }
            sb.append(c.getName()).append('=').append(c.getValue());
        }
        return sb.toString();
    }
}
