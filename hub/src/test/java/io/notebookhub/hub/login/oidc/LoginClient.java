package io.notebookhub.hub.login.oidc;

import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.HttpCookie;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A browser without JavaScript that keeps cookies but follows no redirect on its own, so each hop can be checked. */
final class LoginClient {
    final CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
    final HttpClient http = HttpClient.newBuilder().cookieHandler(cookies).followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5)).build();

    HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String url, String form, String xsrfHeader) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form));
        if (xsrfHeader != null) {
            b.header("X-XSRFToken", xsrfHeader);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Logs out as a browser does: the confirmation page, then its form posted with the page's XSRF token. */
    HttpResponse<String> logout(String base) throws IOException, InterruptedException {
        HttpResponse<String> page = get(base + "/hub/logout");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("name=\"_xsrf\" value=\"([0-9a-f]+)\"")
                .matcher(page.body());
        if (page.statusCode() != 200 || !m.find()) {
            throw new AssertionError("no logout form: " + page.statusCode() + " " + page.body());
        }
        return post(base + "/hub/logout", "_xsrf=" + m.group(1), null);
    }

    /** The redirect target of a response, resolved against its URL. */
    static String location(HttpResponse<?> r) {
        String loc = r.headers().firstValue("Location").orElseThrow(() -> new AssertionError(
                "expected a redirect, got " + r.statusCode() + ": " + r.body()));
        return r.uri().resolve(loc).toString();
    }

    String cookie(String name) {
        return cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals(name))
                .map(HttpCookie::getValue).findFirst().orElse(null);
    }
}
