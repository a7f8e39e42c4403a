package dev.bookmarks.bookmarkservice.migration;

import dev.bookmarks.ring.SlotHash;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.IntPredicate;
import java.util.function.ObjIntConsumer;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * What a migration writes into a shard's tables, beside the users' own writes: a target stores the source's
 * rows as they are (ids, times and all), a source deletes the rows of slots that moved away, a target those of
 * an aborted copy. None of it is a user's write: nothing here is logged or fenced, and every call expects the
 * caller's transaction. Every write is idempotent (a row is deleted, then inserted as it is at the source), so
 * that a copy that restarts just writes again.
 */
final class SlotStore {

    private final JdbcClient jdbc;

    SlotStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Stores the bookmark and its tags exactly as the source has them, replacing any earlier copy. */
    void put(MigratedBookmark bookmark) {
        jdbc.sql("DELETE FROM bookmarks WHERE id = :id").param("id", bookmark.id()).update();
        OffsetDateTime created = utc(bookmark.createdAt());
        jdbc.sql("""
                        INSERT INTO bookmarks (id, user_id, url, title, notes, created_at, updated_at)
                        VALUES (:id, :user, :url, :title, :notes, :created, :updated)""")
                .param("id", bookmark.id()).param("user", bookmark.userId()).param("url", bookmark.url())
                .param("title", bookmark.title()).param("notes", bookmark.notes()).param("created", created)
                .param("updated", utc(bookmark.updatedAt())).update();
        for (String tag : bookmark.tags()) {
            jdbc.sql("""
                            INSERT INTO bookmark_tags (bookmark_id, tag, user_id, created_at)
                            VALUES (:id, :tag, :user, :created)""")
                    .param("id", bookmark.id()).param("tag", tag).param("user", bookmark.userId())
                    .param("created", created).update();
        }
    }

    /** Deletes the user's bookmark (its tags by cascade), if this shard has it. */
    void removeBookmark(String userId, UUID id) {
        jdbc.sql("DELETE FROM bookmarks WHERE id = :id AND user_id = :user").param("id", id).param("user", userId)
                .update();
    }

    /** Stores the completed record as the source has it, replacing any earlier copy. */
    void put(MigratedIdempotencyRecord record) {
        removeRecord(record.userId(), record.idemKey());
        jdbc.sql("""
                        INSERT INTO idempotency_keys (user_id, idem_key, fingerprint, state, status, location,
                            response_body, stored_at)
                        VALUES (:user, :key, :fingerprint, 'COMPLETED', :status, :location, :body, :stored)""")
                .param("user", record.userId()).param("key", record.idemKey())
                .param("fingerprint", record.fingerprint()).param("status", record.status())
                .param("location", record.location()).param("body", record.responseBody())
                .param("stored", utc(record.storedAt())).update();
    }

    /** Deletes the user's record of the key, if this shard has one. */
    void removeRecord(String userId, String idemKey) {
        jdbc.sql("DELETE FROM idempotency_keys WHERE user_id = :user AND idem_key = :key")
                .param("user", userId).param("key", idemKey).update();
    }

    /**
     * Up to {@code maxUsers} users after {@code afterUser} (from the first when null), in id order, that hold a
     * bookmark or an Idempotency-Key record here and whose slot {@code slots} accepts, with the user to go on
     * after (null when every user was looked at).
     */
    UsersPage usersIn(IntPredicate slots, int slotCount, String afterUser, int maxUsers) {
        List<String> found = new ArrayList<>();
        String last = afterUser;
        List<String> batch;
        do {
            batch = usersAfter(last, MigrationSource.USER_BATCH);
            for (String user : batch) {
                last = user;
                if (slots.test(SlotHash.slotOf(user, slotCount))) {
                    found.add(user);
                    if (found.size() == maxUsers) {
                        return new UsersPage(found, user);
                    }
                }
            }
        } while (batch.size() == MigrationSource.USER_BATCH);
        return new UsersPage(found, null);
    }

    /** Some users of a walk, and the user to go on after (null when the walk is complete). */
    record UsersPage(List<String> users, String next) {
    }

    /**
     * Hands {@code sink} every user with rows here and how many: bookmarks, then completed Idempotency-Key
     * records (what a migration copies), so a user may come twice. Grouped by the indexes that lead with user_id.
     */
    void countRowsPerUser(ObjIntConsumer<String> sink) {
        jdbc.sql("SELECT user_id, COUNT(*) FROM bookmarks GROUP BY user_id")
                .query((RowCallbackHandler) row -> sink.accept(row.getString(1), row.getInt(2)));
        jdbc.sql("SELECT user_id, COUNT(*) FROM idempotency_keys WHERE state = 'COMPLETED' GROUP BY user_id")
                .query((RowCallbackHandler) row -> sink.accept(row.getString(1), row.getInt(2)));
    }

    /** Deletes every row of these users: bookmarks, their tags, Idempotency-Key records of any state. */
    int removeUsers(List<String> users) {
        if (users.isEmpty()) {
            return 0;
        }
        int rows = jdbc.sql("DELETE FROM bookmarks WHERE user_id IN (:users)").param("users", users).update();
        return rows + jdbc.sql("DELETE FROM idempotency_keys WHERE user_id IN (:users)").param("users", users)
                .update();
    }

    private List<String> usersAfter(String user, int batch) {
        String where = user == null ? "" : " WHERE user_id > :user";
        JdbcClient.StatementSpec query = jdbc.sql("SELECT user_id FROM (SELECT DISTINCT user_id FROM bookmarks"
                        + where + " UNION SELECT DISTINCT user_id FROM idempotency_keys" + where
                        + ") u ORDER BY user_id LIMIT :batch")
                .param("batch", batch);
        if (user != null) {
            query = query.param("user", user);
        }
        return query.query(String.class).list();
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
