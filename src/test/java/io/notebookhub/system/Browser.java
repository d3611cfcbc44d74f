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
public final class Browser {
    public final CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
    public final HttpClient client;
    private final String base;

    public Browser(String base) {
        this.base = base;
        this.client = HttpClient.newBuilder().cookieHandler(cookies).followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> postForm(String path, String form) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The dev login form, as a browser fills it in: the page first (its XSRF token and cookie), then the post. */
    public HttpResponse<String> login(String user) throws IOException, InterruptedException {
        return postForm("/hub/login", "_xsrf=" + pageXsrf("/hub/login") + "&username="
                + URLEncoder.encode(user, StandardCharsets.UTF_8) + "&password=pw");
    }

    /** The XSRF token in the form of the page at {@code path}. */
    public String pageXsrf(String path) throws IOException, InterruptedException {
        return formXsrf(get(path).body());
    }

    /** The XSRF token in a page's form. */
    public static String formXsrf(String html) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("name=\"_xsrf\" value=\"([0-9a-f]+)\"")
                .matcher(html);
        if (!m.find()) {
            throw new AssertionError("no XSRF token in the page: " + html);
        }
        return m.group(1);
    }

    /** Logs out as a browser does: the confirmation page, then its form. */
    public HttpResponse<String> logout() throws IOException, InterruptedException {
        return postForm("/hub/logout", "_xsrf=" + pageXsrf("/hub/logout"));
    }

    public String cookie(String name) {
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
    public String cookieHeader(String path) {
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
