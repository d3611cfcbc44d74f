package io.notebookhub.culler;

import io.notebookhub.culler.internal.ConfigValues;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The culling policy from config, validated on construction; a bad value throws
 * {@link IllegalArgumentException} naming the key. Keys as in YAML (under {@code culler:}) are listed
 * in {@link #KEYS}; README.md describes each.
 *
 * @param timeout idle time after which a server is culled, unless its profile says otherwise
 * @param every time between rounds
 * @param maxAge servers older than this are culled even when active; {@link Duration#ZERO} = off
 * @param cullUsers also delete users who have had no server for longer than {@code timeout}
 * @param cullAdminUsers whether admins' servers (and, with cullUsers, admin users) are culled
 * @param removeNamedServers delete culled named servers instead of only stopping them
 * @param concurrency most requests (state reads, stops, deletions) in flight at once
 * @param policy {@code activity} (default) or {@code traffic}
 * @param profileTimeouts idle timeout per profile slug, used when the target gives a server none
 * @param exempt user names ({@code alice}) or servers ({@code alice/gpu}) never culled
 */
public record CullerConfig(
        Duration timeout,
        Duration every,
        Duration maxAge,
        boolean cullUsers,
        boolean cullAdminUsers,
        boolean removeNamedServers,
        int concurrency,
        String policy,
        Map<String, Duration> profileTimeouts,
        Set<String> exempt) {

    public static final Set<String> KEYS = Set.of("timeout", "every", "max_age", "cull_users", "cull_admin_users",
            "remove_named_servers", "concurrency", "policy", "profile_timeouts", "exempt");

    public CullerConfig {
        requirePositive("timeout", timeout);
        requirePositive("every", every);
        if (maxAge == null || maxAge.isNegative()) {
            throw new IllegalArgumentException("max_age: must be 0 (off) or a positive duration, got " + maxAge);
        }
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency: must be at least 1, got " + concurrency);
        }
        if (policy == null) {
            throw new IllegalArgumentException("policy: must be activity or traffic, got null");
        }
        try {
            CullPolicy.byId(policy);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("policy: " + e.getMessage(), e);
        }
        profileTimeouts = profileTimeouts == null ? Map.of() : Map.copyOf(profileTimeouts);
        profileTimeouts.forEach((slug, t) -> requirePositive("profile_timeouts." + slug, t));
        exempt = exempt == null ? Set.of() : Set.copyOf(exempt);
    }

    /** jupyterhub-idle-culler's defaults as Zero to JupyterHub sets them, with our activity policy. */
    public static CullerConfig defaults() {
        return new CullerConfig(Duration.ofHours(1), Duration.ofMinutes(5), Duration.ZERO, false, true, false, 10,
                "activity", Map.of(), Set.of());
    }

    /**
     * Reads the keys in {@link #KEYS} from a parsed YAML map (missing keys keep their default). Durations
     * are seconds or strings like {@code 90m}, {@code 2h}, {@code 45s}, {@code 1d}.
     *
     * @throws IllegalArgumentException naming the key, for an unknown key or a bad value
     */
    public static CullerConfig fromMap(Map<String, ?> values) {
        for (String key : values.keySet()) {
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException(key + ": unknown culler key (known: " + new TreeSet<>(KEYS) + ")");
            }
        }
        CullerConfig d = defaults();
        ConfigValues v = new ConfigValues(values);
        return new CullerConfig(
                v.duration("timeout", d.timeout()),
                v.duration("every", d.every()),
                v.duration("max_age", d.maxAge()),
                v.bool("cull_users", d.cullUsers()),
                v.bool("cull_admin_users", d.cullAdminUsers()),
                v.bool("remove_named_servers", d.removeNamedServers()),
                v.integer("concurrency", d.concurrency()),
                v.string("policy", d.policy()),
                v.durationMap("profile_timeouts"),
                v.stringSet("exempt"));
    }

    /** The timeout for a server: its own (from its profile), else {@code profile_timeouts}, else {@code timeout}. */
    public Duration timeoutFor(ServerFacts server) {
        if (server.idleTimeout() != null) {
            return server.idleTimeout();
        }
        if (server.profile() != null && profileTimeouts.containsKey(server.profile())) {
            return profileTimeouts.get(server.profile());
        }
        return timeout;
    }

    /** Whether the config exempts this server, by user name or {@code user/server}. */
    public boolean exempts(ServerFacts server) {
        return exempt.contains(server.user()) || exempt.contains(server.displayName());
    }

    public CullerConfig withTimeout(Duration value) {
        return new CullerConfig(value, every, maxAge, cullUsers, cullAdminUsers, removeNamedServers, concurrency,
                policy, profileTimeouts, exempt);
    }

    public CullerConfig withMaxAge(Duration value) {
        return new CullerConfig(timeout, every, value, cullUsers, cullAdminUsers, removeNamedServers, concurrency,
                policy, profileTimeouts, exempt);
    }

    public CullerConfig withCullUsers(boolean value) {
        return new CullerConfig(timeout, every, maxAge, value, cullAdminUsers, removeNamedServers, concurrency,
                policy, profileTimeouts, exempt);
    }

    public CullerConfig withCullAdminUsers(boolean value) {
        return new CullerConfig(timeout, every, maxAge, cullUsers, value, removeNamedServers, concurrency,
                policy, profileTimeouts, exempt);
    }

    public CullerConfig withRemoveNamedServers(boolean value) {
        return new CullerConfig(timeout, every, maxAge, cullUsers, cullAdminUsers, value, concurrency,
                policy, profileTimeouts, exempt);
    }

    public CullerConfig withConcurrency(int value) {
        return new CullerConfig(timeout, every, maxAge, cullUsers, cullAdminUsers, removeNamedServers, value,
                policy, profileTimeouts, exempt);
    }

    public CullerConfig withPolicy(String value) {
        return new CullerConfig(timeout, every, maxAge, cullUsers, cullAdminUsers, removeNamedServers, concurrency,
                value, profileTimeouts, exempt);
    }

    public CullerConfig withProfileTimeouts(Map<String, Duration> value) {
        return new CullerConfig(timeout, every, maxAge, cullUsers, cullAdminUsers, removeNamedServers, concurrency,
                policy, value, exempt);
    }

    public CullerConfig withExempt(Set<String> value) {
        return new CullerConfig(timeout, every, maxAge, cullUsers, cullAdminUsers, removeNamedServers, concurrency,
                policy, profileTimeouts, value);
    }

    public CullerConfig withEvery(Duration value) {
        return new CullerConfig(timeout, value, maxAge, cullUsers, cullAdminUsers, removeNamedServers, concurrency,
                policy, profileTimeouts, exempt);
    }

    /** The effective config as one log line (there are no secrets in it). */
    public String describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("timeout", timeout.toSeconds() + "s");
        m.put("every", every.toSeconds() + "s");
        m.put("max_age", maxAge.isZero() ? "off" : maxAge.toSeconds() + "s");
        m.put("cull_users", cullUsers);
        m.put("cull_admin_users", cullAdminUsers);
        m.put("remove_named_servers", removeNamedServers);
        m.put("concurrency", concurrency);
        m.put("policy", policy);
        Map<String, String> perProfile = new java.util.TreeMap<>();
        profileTimeouts.forEach((slug, t) -> perProfile.put(slug, t.toSeconds() + "s"));
        m.put("profile_timeouts", perProfile);
        m.put("exempt", new TreeSet<>(exempt));
        return m.toString();
    }

    private static void requirePositive(String key, Duration d) {
        if (d == null || d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(key + ": must be a positive duration, got " + d);
        }
    }
}
