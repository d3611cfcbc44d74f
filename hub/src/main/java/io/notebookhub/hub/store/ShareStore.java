package io.notebookhub.hub.store;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Shares and share codes. {@link #version()} moves on every change that can take a share away or add one (including
 * the deletion of a shared server or its owner, whose shares the database deletes with them), so that whoever caches
 * permissions derived from shares can tell that they are stale.
 */
public interface ShareStore {
    long version();

    /** Marks every cached permission derived from shares as stale (a cascade delete the table did not see). */
    void changed();

    /** Shares granted to the user directly or to any of the groups, oldest first. */
    List<ShareRecord> sharesWith(String user, Collection<String> groups);

    List<ShareRecord> sharesWithGroup(String group);

    /** Shares of one server ({@code serverName} non-null) or of every server of the owner, oldest first. */
    List<ShareRecord> sharesOf(String owner, String serverName);

    /** The share of a server with one user ({@code kind} "user") or group ({@code kind} "group"). */
    Optional<ShareRecord> find(String owner, String serverName, String kind, String name);

    /** Adds the scopes to the existing share, or creates it; answers the share as it now is. */
    ShareRecord grant(String owner, String serverName, String kind, String name, Collection<String> scopes,
                      Instant now);

    /**
     * Takes the scopes away (all of them when {@code scopes} is null); deletes the share when none remain. Answers
     * the remaining share, or empty when it is gone or never was.
     */
    Optional<ShareRecord> revoke(String owner, String serverName, String kind, String name,
                                 Collection<String> scopes);

    boolean deleteShare(long id);

    int deleteShares(String owner, String serverName);

    ShareCodeRecord createCode(String codeHash, String owner, String serverName, Collection<String> scopes,
                               Instant now, Instant expiresAt);

    /** Codes of one server ({@code serverName} non-null) or of every server of the owner, oldest first. */
    List<ShareCodeRecord> codesOf(String owner, String serverName);

    Optional<ShareCodeRecord> codeByHash(String codeHash);

    boolean deleteCode(long id);

    int deleteCodes(String owner, String serverName);

    void recordExchange(long codeId, Instant now);
}
