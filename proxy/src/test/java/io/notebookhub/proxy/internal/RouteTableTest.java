package io.notebookhub.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class RouteTableTest {
    private final int[] end = new int[1];

    private String match(RouteTable t, String path) {
        RouteEntry e = t.match("hub.example.org", RequestPath.canonical(path), end);
        return e == null ? null : e.prefix();
    }

    @Test
    void matchesWholeSegmentsOnlySoAliceNeverGetsAlice2() {
        RouteTable t = new RouteTable(false);
        t.put("/", "http://127.0.0.1:1", Map.of());
        t.put("/user/alice", "http://127.0.0.1:2", Map.of());
        t.put("/user/alice2", "http://127.0.0.1:3", Map.of());

        assertThat(match(t, "/user/alice")).isEqualTo("/user/alice");
        assertThat(match(t, "/user/alice/")).isEqualTo("/user/alice");
        assertThat(match(t, "/user/alice/tree?x=1")).isEqualTo("/user/alice");
        assertThat(match(t, "/user/alice2/lab")).isEqualTo("/user/alice2");
        assertThat(match(t, "/user/alic/lab")).isEqualTo("/");
        assertThat(match(t, "/user/alicex")).isEqualTo("/");
    }

    @Test
    void picksTheLongestPrefixAndReportsWhereItEnds() {
        RouteTable t = new RouteTable(false);
        t.put("/user/alice", "http://127.0.0.1:2", Map.of());
        t.put("/user/alice/proxy/8080", "http://127.0.0.1:4", Map.of());

        RouteEntry e = t.match(null, "/user/alice/proxy/8080/x", end);
        assertThat(e.prefix()).isEqualTo("/user/alice/proxy/8080");
        assertThat(end[0]).isEqualTo("/user/alice/proxy/8080".length());
        assertThat(t.match(null, "/user/alice/proxy/8081/x", end).prefix()).isEqualTo("/user/alice");
    }

    @Test
    void answersNothingWithoutADefaultRoute() {
        RouteTable t = new RouteTable(false);
        t.put("/user/alice/", "http://127.0.0.1:2", Map.of());
        assertThat(t.match(null, "/hub/", end)).isNull();
        assertThat(t.get("/user/alice")).isNotNull();
    }

    @Test
    void removingARoutePrunesItAndLeavesItsNeighbours() {
        RouteTable t = new RouteTable(false);
        t.put("/user/alice", "http://127.0.0.1:2", Map.of());
        t.put("/user/alice/proxy", "http://127.0.0.1:4", Map.of());
        assertThat(t.delete("/user/alice/")).isTrue();
        assertThat(t.delete("/user/alice")).isFalse();
        assertThat(t.match(null, "/user/alice/x", end)).isNull();
        assertThat(t.match(null, "/user/alice/proxy/x", end).prefix()).isEqualTo("/user/alice/proxy");
    }

    @Test
    void matchesPercentEncodedRequestsAgainstDecodedKeysButNeverSplitsOnAnEncodedSlash() {
        RouteTable t = new RouteTable(false);
        t.put("/", "http://127.0.0.1:1", Map.of());
        t.put("/user/al ice@x", "http://127.0.0.1:2", Map.of());
        t.put("/user/a", "http://127.0.0.1:3", Map.of());

        assertThat(match(t, "/user/al%20ice@x/lab")).isEqualTo("/user/al ice@x");
        assertThat(match(t, "/user/a%2Fb/lab")).isEqualTo("/");
    }

    @Test
    void routesOnTheHostNameFirstUnderHostRouting() {
        RouteTable t = new RouteTable(true);
        t.put("/", "http://127.0.0.1:1", Map.of());
        t.put("/Alice.Hub.Org/user/alice", "http://127.0.0.1:2", Map.of());

        assertThat(t.match("alice.hub.org:8000", "/user/alice/lab", end).prefix()).isEqualTo("/Alice.Hub.Org/user/alice");
        assertThat(end[0]).isEqualTo("/user/alice".length());
        assertThat(t.match("bob.hub.org", "/user/alice/lab", end).prefix()).isEqualTo("/");
    }

    @Test
    void findsEachOfTenThousandRoutes() {
        RouteTable t = new RouteTable(false);
        for (int i = 0; i < 10_000; i++) {
            t.put("/user/u" + i, "http://127.0.0.1:" + (1000 + i % 50000), Map.of());
        }
        for (int i = 0; i < 10_000; i += 7) {
            assertThat(t.match(null, "/user/u" + i + "/api/kernels", end).prefix()).isEqualTo("/user/u" + i);
        }
        assertThat(t.size()).isEqualTo(10_000);
    }

    @Test
    void refusesATargetThatIsNotAnHttpUrl() {
        RouteTable t = new RouteTable(false);
        assertThatThrownBy(() -> t.put("/user/x", "ftp://h/", Map.of())).isInstanceOf(IllegalArgumentException.class);
        assertThat(t.add("/user/x", "not a url", Map.of()).failed()).isTrue();
    }
}
