package io.notebookhub.culler;

import io.notebookhub.config.ConfigReader;
import io.notebookhub.config.Setting;
import io.notebookhub.config.SettingValues;
import io.notebookhub.config.Settings;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The culling policy from config, validated on construction; a bad value throws
 * {@link IllegalArgumentException} naming the key. Its settings (under {@code culler} in the hub's
 * configuration) are declared once in {@link #SETTINGS}.
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

    /** Every setting of the culler, in declaration order: the hub reads them under {@code culler}. */
    public static final Settings SETTINGS = new Settings();

    public static final Setting<Duration> TIMEOUT = SETTINGS.add(Setting.duration("timeout", Duration.ofHours(1),
            Duration.ofSeconds(1), "idle time after which a server is culled, unless its profile says otherwise"));
    public static final Setting<Duration> EVERY = SETTINGS.add(Setting.duration("every", Duration.ofMinutes(5),
            Duration.ofSeconds(1), "time between culling rounds"));
    public static final Setting<Duration> MAX_AGE = SETTINGS.add(Setting.duration("max_age", Duration.ZERO,
            Duration.ZERO, "servers older than this are culled even when active; 0 = off"));
    public static final Setting<Boolean> CULL_USERS = SETTINGS.add(Setting.bool("cull_users", false,
            "also delete users who have had no server for longer than the timeout"));
    public static final Setting<Boolean> REMOVE_NAMED_SERVERS = SETTINGS.add(Setting.bool("remove_named_servers",
            false, "delete culled named servers instead of only stopping them"));
    public static final Setting<Integer> CONCURRENCY = SETTINGS.add(Setting.integer("concurrency", 10, 1, 1000,
            "most requests (state reads, stops, deletions) in flight at once"));
    public static final Setting<Boolean> CULL_ADMIN_USERS = SETTINGS.add(Setting.bool("cull_admin_users", true,
            "whether admins' servers (and, with cull_users, admin users) are culled"));
    public static final Setting<String> POLICY = SETTINGS.add(Setting.oneOf("policy", "activity",
            Set.of("activity", "traffic"), "activity: kernels' and servers' own activity counts; traffic: only "
                    + "the proxy's traffic, as jupyterhub-idle-culler"));
    public static final Setting<Map<String, Duration>> PROFILE_TIMEOUTS = SETTINGS.add(Setting.durationMap(
            "profile_timeouts", "idle timeout per profile slug, for servers whose profile sets none")
            .check(m -> m.values().stream().allMatch(d -> !d.isZero() && !d.isNegative()), "a map of positive durations"));
    public static final Setting<List<String>> EXEMPT = SETTINGS.add(Setting.list("exempt", List.of(),
            "users (alice) or servers (alice/gpu) never culled"));

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
        return of(SettingValues.defaults());
    }

    /** The policy of values read by the hub (or {@link #fromMap}). */
    public static CullerConfig of(SettingValues v) {
        return new CullerConfig(v.get(TIMEOUT), v.get(EVERY), v.get(MAX_AGE), v.get(CULL_USERS),
                v.get(CULL_ADMIN_USERS), v.get(REMOVE_NAMED_SERVERS), v.get(CONCURRENCY), v.get(POLICY),
                v.get(PROFILE_TIMEOUTS), Set.copyOf(v.get(EXEMPT)));
    }

    /**
     * Reads a parsed YAML map with the keys of {@link #SETTINGS} (missing keys keep their default; durations in the
     * one grammar: {@code 3600}, {@code 90m}, {@code 1h30m}, {@code 1d}).
     *
     * @throws IllegalArgumentException naming every bad or unknown key
     */
    public static CullerConfig fromMap(Map<String, ?> values) {
        return of(ConfigReader.readBlock(values, "culler", SETTINGS.all()));
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
