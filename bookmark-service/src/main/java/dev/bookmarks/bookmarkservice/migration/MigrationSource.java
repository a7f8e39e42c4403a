package dev.bookmarks.bookmarkservice.migration;

import dev.bookmarks.ring.SlotHash;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The reads a migration target makes of this shard's tables: a slot set's rows, page by page, and one row's
 * current state. Plain SQL on the V1 indexes; this package reads the bookmarks package's tables directly, so
 * that the bookmarks package depends on this one (to log its changes) and not the other way round.
 *
 * <p><b>Finding a slot's rows.</b> No table stores the slot: it is a hash of the user id with the ring's slot
 * count, which the schema cannot know. A page walks the table's users in user-id order
 * ({@code SELECT DISTINCT user_id}, which both databases answer from the index that leads with user_id,
 * stopping at the batch), hashes each, and reads the rows of those in the set, newest first within a user for
 * bookmarks (the {@code bookmarks_user_newest} index, as the list query walks it) and by key for
 * Idempotency-Key records (their primary key). A full walk therefore reads the user index of the whole shard
 * once, whatever the set: copying many slots costs one walk if they are asked for as one set, one walk each if
 * asked for one by one. One request scans at most {@value #MAX_USERS_SCANNED} users: a page can come back short,
 * or empty, with a {@code next} to go on from; the walk is complete when {@code next} is null.
 *
 * <p>Each page is read in one repeatable-read transaction, so a bookmark comes with the tags it had. Rows that
 * change while a target walks are not a concern of the walk: each change is logged after the position the
 * target read first, and the target replays it from the log.
 */
final class MigrationSource {

    /** How many users one query of the walk reads. */
    static final int USER_BATCH = 1000;
    /** How many users one request scans at most before it answers a page, full or not. */
    static final int MAX_USERS_SCANNED = 10 * USER_BATCH;

    private static final String BOOKMARK_COLUMNS = "id, user_id, url, title, notes, created_at, updated_at";
    private static final String RECORD_COLUMNS = "user_id, idem_key, fingerprint, status, location, response_body,"
            + " stored_at";

    /** A cursor that is not one this walk hands out: the request's fault, a 400 naming {@code after}. */
    static final class BadCursorException extends IllegalArgumentException {
        BadCursorException(String message) {
            super(message);
        }
    }

    /** One page of a walk, and where the next one starts (null when the walk is complete). */
    record Page<T>(List<T> items, String next) {
    }

    private final JdbcClient jdbc;
    private final TransactionTemplate snapshot;

    MigrationSource(JdbcClient jdbc, PlatformTransactionManager transactions) {
        this.jdbc = jdbc;
        this.snapshot = new TransactionTemplate(transactions);
        this.snapshot.setReadOnly(true);
        this.snapshot.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
    }

    /**
     * Up to {@code limit} bookmarks, with their tags, of the users in {@code slots}, in (user id, newest first)
     * order, after {@code after} (from the start when null).
     *
     * @throws BadCursorException when {@code after} is not a bookmark cursor of this set
     */
    Page<MigratedBookmark> bookmarks(SlotSet slots, int slotCount, SlotCursor after, int limit) {
        BookmarkPosition position =
                after == null || after.within() == null ? null : BookmarkPosition.parse(after.within());
        return walk("bookmarks", slots, slotCount, after, limit,
                (user, first, max) -> bookmarksOf(user, first ? position : null, max),
                bookmark -> new SlotCursor(bookmark.userId(), BookmarkPosition.of(bookmark).toString()));
    }

    /**
     * Up to {@code limit} completed Idempotency-Key records of the users in {@code slots}, in (user id, key)
     * order, after {@code after} (from the start when null).
     *
     * @throws BadCursorException when {@code after} names a user outside the set
     */
    Page<MigratedIdempotencyRecord> idempotencyRecords(SlotSet slots, int slotCount, SlotCursor after, int limit) {
        String afterKey = after == null ? null : after.within();
        return walk("idempotency_keys", slots, slotCount, after, limit,
                (user, first, max) -> recordsOf(user, first ? afterKey : null, max),
                record -> new SlotCursor(record.userId(), record.idemKey()));
    }

    /**
     * The digest of what this shard holds of {@code slots} ({@link SlotDigest}), read page by page: meaningful
     * when the slots do not change meanwhile, as on a source once they are frozen and on a target before cutover.
     */
    SlotDigest digest(SlotSet slots, int slotCount, Instant recordsSince) {
        SlotDigest.Builder digest = new SlotDigest.Builder(slots, recordsSince);
        SlotCursor after = null;
        do {
            Page<MigratedBookmark> page = bookmarks(slots, slotCount, after, MigrationController.MAX_LIMIT);
            page.items().forEach(digest::add);
            after = page.next() == null ? null : SlotCursor.parse(page.next());
        } while (after != null);
        do {
            Page<MigratedIdempotencyRecord> page =
                    idempotencyRecords(slots, slotCount, after, MigrationController.MAX_LIMIT);
            page.items().forEach(digest::add);
            after = page.next() == null ? null : SlotCursor.parse(page.next());
        } while (after != null);
        return digest.build();
    }

    /** The user's bookmark with this id and its tags, if there is one, read in one statement. */
    Optional<MigratedBookmark> bookmark(String userId, UUID id) {
        List<TaggedRow> rows = jdbc.sql("SELECT b.id, b.user_id, b.url, b.title, b.notes, b.created_at,"
                        + " b.updated_at, t.tag FROM bookmarks b LEFT JOIN bookmark_tags t ON t.bookmark_id = b.id"
                        + " WHERE b.id = :id AND b.user_id = :user")
                .param("id", id).param("user", userId)
                .query((rs, n) -> new TaggedRow(bookmark(rs, List.of()), rs.getString("tag"))).list();
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        List<String> tags = rows.stream().map(TaggedRow::tag).filter(tag -> tag != null).sorted().toList();
        return Optional.of(withTags(rows.get(0).bookmark(), tags));
    }

    /** The user's completed record of this key, if there is one; a record in progress is none yet. */
    Optional<MigratedIdempotencyRecord> idempotencyRecord(String userId, String idemKey) {
        return jdbc.sql("SELECT " + RECORD_COLUMNS + " FROM idempotency_keys"
                        + " WHERE user_id = :user AND idem_key = :key AND state = 'COMPLETED'")
                .param("user", userId).param("key", idemKey).query(MigrationSource::record).optional();
    }

    /** Reads up to {@code max} rows of one user; {@code first} when the user is the one the cursor is within. */
    @FunctionalInterface
    private interface RowsOfUser<T> {
        List<T> read(String userId, boolean first, int max);
    }

    private <T> Page<T> walk(String table, SlotSet slots, int slotCount, SlotCursor after, int limit,
            RowsOfUser<T> rowsOf, Function<T, SlotCursor> cursorOf) {
        if (after != null && !slots.contains(SlotHash.slotOf(after.userId(), slotCount))) {
            throw new BadCursorException("the cursor's user is not in slots " + slots
                    + "; pass the next of the previous page of the same call");
        }
        return snapshot.execute(status -> {
            // One row more than the page tells whether the walk goes on.
            int wanted = limit + 1;
            List<T> rows = new ArrayList<>();
            String lastUser = after == null ? null : after.userId();
            if (after != null && after.within() != null) {
                rows.addAll(rowsOf.read(after.userId(), true, wanted));
            }
            boolean exhausted = false;
            int scanned = 0;
            while (rows.size() < wanted && !exhausted && scanned < MAX_USERS_SCANNED) {
                List<String> users = usersAfter(table, lastUser);
                exhausted = users.size() < USER_BATCH;
                for (String user : users) {
                    lastUser = user;
                    scanned++;
                    if (slots.contains(SlotHash.slotOf(user, slotCount))) {
                        rows.addAll(rowsOf.read(user, false, wanted - rows.size()));
                        if (rows.size() >= wanted) {
                            // Users after this one were not looked at: the walk is not exhausted.
                            exhausted = false;
                            break;
                        }
                    }
                }
            }
            if (rows.size() > limit) {
                List<T> page = List.copyOf(rows.subList(0, limit));
                return new Page<>(page, cursorOf.apply(page.get(limit - 1)).toString());
            }
            // A short page: every user up to lastUser was read in full.
            return new Page<>(List.copyOf(rows), exhausted ? null : new SlotCursor(lastUser, null).toString());
        });
    }

    private List<String> usersAfter(String table, String user) {
        String where = user == null ? "" : " WHERE user_id > :user";
        JdbcClient.StatementSpec query = jdbc.sql("SELECT DISTINCT user_id FROM " + table + where
                + " ORDER BY user_id LIMIT :batch").param("batch", USER_BATCH);
        if (user != null) {
            query = query.param("user", user);
        }
        return query.query(String.class).list();
    }

    private List<MigratedBookmark> bookmarksOf(String userId, BookmarkPosition after, int max) {
        // The list query's shape (BookmarkStore.pageSql), which both databases read in index order.
        String cursor = after == null ? "" : " AND created_at <= :at AND (created_at < :at OR id < :after)";
        JdbcClient.StatementSpec query = jdbc.sql("SELECT " + BOOKMARK_COLUMNS + " FROM bookmarks WHERE user_id = :user"
                        + cursor + " ORDER BY user_id, created_at DESC, id DESC LIMIT :limit")
                .param("user", userId).param("limit", max);
        if (after != null) {
            query = query.param("at", after.createdAt()).param("after", after.id());
        }
        List<MigratedBookmark> rows = query.query((rs, n) -> bookmark(rs, List.of())).list();
        if (rows.isEmpty()) {
            return rows;
        }
        Map<UUID, List<String>> tags = new HashMap<>();
        jdbc.sql("SELECT bookmark_id, tag FROM bookmark_tags WHERE bookmark_id IN (:ids) ORDER BY bookmark_id, tag")
                .param("ids", rows.stream().map(MigratedBookmark::id).toList())
                .query(rs -> {
                    tags.computeIfAbsent(rs.getObject("bookmark_id", UUID.class), id -> new ArrayList<>())
                            .add(rs.getString("tag"));
                });
        return rows.stream().map(b -> withTags(b, tags.getOrDefault(b.id(), List.of()).stream().sorted().toList()))
                .toList();
    }

    private List<MigratedIdempotencyRecord> recordsOf(String userId, String afterKey, int max) {
        String cursor = afterKey == null ? "" : " AND idem_key > :key";
        JdbcClient.StatementSpec query = jdbc.sql("SELECT " + RECORD_COLUMNS + " FROM idempotency_keys"
                        + " WHERE user_id = :user AND state = 'COMPLETED'" + cursor
                        + " ORDER BY user_id, idem_key LIMIT :limit")
                .param("user", userId).param("limit", max);
        if (afterKey != null) {
            query = query.param("key", afterKey);
        }
        return query.query(MigrationSource::record).list();
    }

    private static MigratedBookmark withTags(MigratedBookmark b, List<String> tags) {
        return new MigratedBookmark(b.id(), b.userId(), b.url(), b.title(), b.notes(), tags, b.createdAt(),
                b.updatedAt());
    }

    private static MigratedBookmark bookmark(ResultSet rs, List<String> tags) throws SQLException {
        return new MigratedBookmark(rs.getObject("id", UUID.class), rs.getString("user_id"), rs.getString("url"),
                rs.getString("title"), rs.getString("notes"), tags, instant(rs, "created_at"),
                instant(rs, "updated_at"));
    }

    private static MigratedIdempotencyRecord record(ResultSet rs, int row) throws SQLException {
        return new MigratedIdempotencyRecord(rs.getString("user_id"), rs.getString("idem_key"),
                rs.getString("fingerprint"), rs.getInt("status"), rs.getString("location"),
                rs.getString("response_body"), instant(rs, "stored_at"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        return rs.getObject(column, OffsetDateTime.class).toInstant();
    }

    /** A row of the bookmark joined with its tags: the bookmark, and one tag or null without tags. */
    private record TaggedRow(MigratedBookmark bookmark, String tag) {
    }

    /**
     * A bookmark's place within its user's rows: creation time in microseconds since the epoch, then id, as
     * {@code micros:uuid}. Microseconds are what both databases store, so the position compares exactly.
     */
    private record BookmarkPosition(OffsetDateTime createdAt, UUID id) {

        static BookmarkPosition of(MigratedBookmark bookmark) {
            return new BookmarkPosition(bookmark.createdAt().atOffset(ZoneOffset.UTC), bookmark.id());
        }

        static BookmarkPosition parse(String text) {
            int colon = text.indexOf(':');
            try {
                long micros = Long.parseLong(text.substring(0, Math.max(colon, 0)));
                UUID id = UUID.fromString(text.substring(colon + 1));
                if (!id.toString().equalsIgnoreCase(text.substring(colon + 1))) {
                    throw new IllegalArgumentException("not a UUID in its one spelling");
                }
                return new BookmarkPosition(Instant.EPOCH.plus(micros, ChronoUnit.MICROS).atOffset(ZoneOffset.UTC), id);
            } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
                throw new BadCursorException("a bookmark cursor is user:microseconds:id;"
                        + " pass the next of the previous page as it was");
            }
        }

        @Override
        public String toString() {
            return ChronoUnit.MICROS.between(Instant.EPOCH, createdAt.toInstant()) + ":" + id;
        }
    }
}
