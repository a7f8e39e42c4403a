package dev.bookmarks.bookmarkservice.bookmarks;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * What the contract interfaces need from a running shard; {@link RunningShard} provides it for
 * each database.
 */
interface ShardTest {

    /** An HTTP client for the shard's public port. */
    ShardClient client();

    /** The shard's own database, to check what was (not) stored. */
    JdbcClient jdbc();

    /** The idempotency settings the shard runs with. */
    IdempotencyProperties idempotencyProperties();

    /** The running application's bean of this type. */
    <T> T bean(Class<T> type);

    /** A user id no other test uses, starting with {@code hint}. */
    String newUser(String hint);

    /** How many rows the user has in each of the shard's tables, as "bookmarks/tags/keys". */
    default String storedRows(String userId) {
        return count("bookmarks", userId) + "/" + count("bookmark_tags", userId) + "/" + count("idempotency_keys", userId);
    }

    private long count(String table, String userId) {
        return jdbc().sql("SELECT COUNT(*) FROM " + table + " WHERE user_id = :user").param("user", userId)
                .query(Long.class).single();
    }
}
