package io.notebookhub.hub.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.notebookhub.hub.auth.Identities;
import io.notebookhub.hub.auth.SessionCookies;
import io.notebookhub.hub.auth.Sessions;
import io.notebookhub.hub.auth.Tokens;
import io.notebookhub.hub.store.H2HubStore;
import io.notebookhub.hub.store.HubStore;
import io.notebookhub.hub.users.Users;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * RequestAuth runs on the event loop for every request: a store read there would stall every connection the loop
 * serves, so misses must go to a worker while hits stay on the loop without a thread hop.
 */
class RequestAuthTest {
    /** One store call as seen by the store: which method, on which thread, and whether that was an event loop. */
    private record StoreRead(String method, String thread, boolean onEventLoop) {}

    /** What the handler after RequestAuth saw: the principal, and whether it ran inside RequestAuth's own call. */
    private record Seen(String principal, boolean synchronous, boolean onEventLoop) {}

    private final List<StoreRead> reads = new CopyOnWriteArrayList<>();
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final Clock clock = Clock.systemUTC();
    private final SessionCookies sessions = new SessionCookies(new byte[32], Duration.ofHours(1));
    private final HttpClient http = HttpClient.newHttpClient();
    private H2HubStore h2;
    private Tokens tokens;
    private Identities identities;
    private Users users;
    private Vertx vertx;
    private HttpServer server;
    /** Set while the handler before RequestAuth is on the stack: a synchronous ctx.next() finds it true. */
    private boolean insideAuth;

    @BeforeEach
    void start() throws Exception {
        h2 = H2HubStore.open("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        HubStore store = recording(h2);
        users = new Users(store, clock, Set.of());
        Identities identities = new Identities(store, users, clock, "the-admin-token");
        tokens = new Tokens(store, identities, clock);
        users.ensureAll(List.of("alice"), false);
        this.identities = identities;
        RequestAuth auth = new RequestAuth(identities, sessions);

        vertx = Vertx.vertx();
        Router router = Router.router(vertx);
        router.route().handler(ctx -> {
            insideAuth = true;
            try {
                ctx.next();
            } finally {
                insideAuth = false;
            }
        });
        router.route().handler(auth);
        router.route().handler(this::record);
        server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
                .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private void record(RoutingContext ctx) {
        String name = RequestAuth.principal(ctx).map(p -> p.name()).orElse("anonymous");
        seen.add(new Seen(name, insideAuth, Context.isOnEventLoopThread()));
        ctx.response().end(name);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        h2.close();
    }

    /** The real store, noting the thread of every call made through it. */
    private HubStore recording(HubStore target) {
        return (HubStore) Proxy.newProxyInstance(HubStore.class.getClassLoader(), new Class<?>[] {HubStore.class},
                (proxy, method, args) -> {
                    reads.add(new StoreRead(method.getName(), Thread.currentThread().getName(),
                            Context.isOnEventLoopThread()));
                    try {
                        return method.invoke(target, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private String get(String header, String value) throws Exception {
        return send("GET", Map.of(header, value));
    }

    private String send(String method, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort()
                + "/anything")).timeout(Duration.ofSeconds(60)).method(method, HttpRequest.BodyPublishers.noBody());
        headers.forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private String sessionCookie(String user) {
        return SessionCookies.COOKIE + "=" + identities.sessions().start(user, Duration.ofHours(1), null).cookieValue();
    }

    @Test
    void readsTheStoreOnAWorkerWhenATokenIsNotCached() throws Exception {
        String token = tokens.issue("alice", "api", null, null, Set.of("inherit"), "test", null).token();
        reads.clear();

        assertThat(get("Authorization", "token " + token)).isEqualTo("alice");

        assertThat(reads).extracting(StoreRead::method).contains("tokenByHash", "user");
        assertThat(reads).allSatisfy(read -> {
            assertThat(read.onEventLoop()).as("store read %s on %s", read.method(), read.thread()).isFalse();
            assertThat(read.thread()).contains("worker");
        });
        // Whether the route went on inside RequestAuth's call depends on how fast the worker was; where it goes on
        // does not.
        assertThat(seen).singleElement().extracting(Seen::onEventLoop).as("the route goes on on the event loop")
                .isEqualTo(true);
    }

    @Test
    void answersACachedTokenOnTheEventLoopWithoutAThreadHop() throws Exception {
        String token = tokens.issue("alice", "api", null, null, Set.of("inherit"), "test", null).token();
        get("Authorization", "token " + token);
        reads.clear();
        seen.clear();

        assertThat(get("Authorization", "token " + token)).isEqualTo("alice");

        assertThat(reads).isEmpty();
        assertThat(seen).singleElement().satisfies(s -> {
            assertThat(s.synchronous()).as("ctx.next() called from within RequestAuth").isTrue();
            assertThat(s.onEventLoop()).isTrue();
        });
    }

    @Test
    void remembersAnUnknownTokenWithoutReadingTheStoreAgain() throws Exception {
        assertThat(get("Authorization", "token not-a-token")).isEqualTo("anonymous");
        assertThat(reads).extracting(StoreRead::onEventLoop).containsOnly(false);
        reads.clear();
        seen.clear();

        assertThat(get("Authorization", "token not-a-token")).isEqualTo("anonymous");

        assertThat(reads).isEmpty();
        assertThat(seen).singleElement().extracting(Seen::synchronous).isEqualTo(true);
    }

    @Test
    void answersTheAdminTokenWithoutTheStore() throws Exception {
        reads.clear();

        assertThat(get("Authorization", "Bearer the-admin-token")).isEqualTo(Identities.ADMIN_SERVICE);

        assertThat(reads).isEmpty();
        assertThat(seen).singleElement().extracting(Seen::synchronous).isEqualTo(true);
    }

    @Test
    void readsTheSessionUserOnAWorkerOnceAndThenFromTheCache() throws Exception {
        String cookie = sessionCookie("alice");
        reads.clear();

        assertThat(get("Cookie", cookie)).isEqualTo("alice");
        assertThat(reads).extracting(StoreRead::method).containsExactly("session", "user");
        assertThat(reads).extracting(StoreRead::onEventLoop).containsOnly(false);
        assertThat(seen).singleElement().extracting(Seen::onEventLoop).isEqualTo(true);
        reads.clear();
        seen.clear();

        assertThat(get("Cookie", cookie)).isEqualTo("alice");
        assertThat(reads).isEmpty();
        assertThat(seen).singleElement().extracting(Seen::synchronous).isEqualTo(true);
    }

    @Test
    void refusesAnExpiredTokenFromTheCacheAsFromTheStore() throws Exception {
        String token = tokens.issue("alice", "api", null, null, Set.of("inherit"), "test", Duration.ofMillis(1))
                .token();
        Thread.sleep(5);

        assertThat(get("Authorization", "token " + token)).isEqualTo("anonymous");
        assertThat(reads).extracting(StoreRead::method).contains("tokenByHash");
        reads.clear();
        seen.clear();

        assertThat(get("Authorization", "token " + token)).isEqualTo("anonymous");
        assertThat(reads).isEmpty();
        assertThat(seen).singleElement().extracting(Seen::synchronous).isEqualTo(true);
    }

    @Test
    void aCookieWithoutTheXsrfTokenDoesNotAuthenticateAStateChangeAndReadsNothing() throws Exception {
        String cookie = sessionCookie("alice");
        reads.clear();

        assertThat(send("POST", Map.of("Cookie", cookie))).isEqualTo("anonymous");
        assertThat(reads).isEmpty();

        String sessionId = Sessions.idOf(cookie.substring(cookie.indexOf('=') + 1));
        assertThat(send("POST", Map.of("Cookie", cookie, "X-XSRFToken", sessions.xsrfToken(sessionId))))
                .isEqualTo("alice");
    }

    @Test
    void anEndedSessionStopsWorkingAtOnceThoughItWasCached() throws Exception {
        String cookie = sessionCookie("alice");
        assertThat(get("Cookie", cookie)).isEqualTo("alice");
        assertThat(get("Cookie", cookie)).isEqualTo("alice");

        identities.endSession(Sessions.idOf(cookie.substring(cookie.indexOf('=') + 1)));

        assertThat(get("Cookie", cookie)).isEqualTo("anonymous");
    }

    @Test
    void everySessionOfAUserEndsAtOnceWhenAnAdminLogsThemOutEverywhere() throws Exception {
        String first = sessionCookie("alice");
        String second = sessionCookie("alice");
        assertThat(get("Cookie", first)).isEqualTo("alice");
        assertThat(get("Cookie", second)).isEqualTo("alice");

        identities.endSessions("alice");

        assertThat(get("Cookie", first)).isEqualTo("anonymous");
        assertThat(get("Cookie", second)).isEqualTo("anonymous");
    }

    @Test
    void aDeletedUsersCachedSessionAndTokenDoNotComeBackWhenTheNameIsCreatedAgain() throws Exception {
        String cookie = sessionCookie("alice");
        String token = tokens.issue("alice", "api", null, null, Set.of("inherit"), "test", null).token();
        assertThat(get("Cookie", cookie)).isEqualTo("alice");
        assertThat(get("Authorization", "token " + token)).isEqualTo("alice");

        users.delete("alice");
        users.ensureAll(List.of("alice"), false);

        assertThat(get("Cookie", cookie)).isEqualTo("anonymous");
        assertThat(get("Authorization", "token " + token)).isEqualTo("anonymous");
    }

    @Test
    void aCookieThatIsNotASessionTokenIsAnonymousWithoutAStoreRead() throws Exception {
        reads.clear();
        assertThat(get("Cookie", SessionCookies.COOKIE + "=forged-or-old-sealed-cookie")).isEqualTo("anonymous");
        assertThat(reads).isEmpty();
    }

    @Test
    void aRevokedTokenStopsWorkingAtOnceThoughItWasCached() throws Exception {
        Tokens.Issued issued = tokens.issue("alice", "api", null, null, Set.of("inherit"), "test", null);
        assertThat(get("Authorization", "token " + issued.token())).isEqualTo("alice");
        assertThat(get("Authorization", "token " + issued.token())).isEqualTo("alice");

        reads.clear();

        tokens.revoke(issued.record().id());

        assertThat(get("Authorization", "token " + issued.token())).isEqualTo("anonymous");
        assertThat(reads).extracting(StoreRead::method).contains("deleteToken", "tokenByHash");
        assertThat(reads).filteredOn(r -> r.method().equals("tokenByHash")).extracting(StoreRead::onEventLoop)
                .containsOnly(false);
    }
}
