package dev.bookmarks.bookmarkservice.bookmarks;

import dev.bookmarks.bookmarkservice.migration.ChangeLog;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.data.jdbc.core.JdbcAggregateTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The bookmarks of this shard's users. Writes and single reads go through Spring Data JDBC's
 * aggregate template ({@link Bookmark} with its tags); the list, search and tag counts are SQL
 * written for the indexes of {@code V1__bookmarks.sql}. Every method expects to run inside the
 * caller's transaction where it writes, and every write appends its {@link ChangeLog} row there, so a
 * change is logged exactly when it commits.
 *
 * <p>Cost, for a user with n bookmarks: a list page reads limit + 1 entries of
 * {@code bookmarks_user_newest} from the cursor on, plus their tags by primary key; a tag filter
 * does the same on {@code bookmark_tags_user_tag_newest}; tag counts read the user's range of that
 * index once. A search ({@code q}) can't use an index for a substring: it walks the user's
 * bookmarks newest first and stops once the page is full, so a rare match may read all n rows
 * (for the 100,000 bookmarks of a heavy user, still one index range of one user).
 */
@Component
final class BookmarkStore {

    private static final String COLUMNS = "b.id, b.user_id, b.url, b.title, b.notes, b.created_at, b.updated_at";
    private static final char LIKE_ESCAPE = '!';

    /** The tag counts query; parameter {@code user}. */
    static final String TAG_COUNTS =
            "SELECT tag, COUNT(*) AS n FROM bookmark_tags WHERE user_id = :user GROUP BY user_id, tag ORDER BY n DESC, tag";

    private final JdbcAggregateTemplate aggregates;
    private final JdbcClient jdbc;
    private final ChangeLog changes;

    BookmarkStore(JdbcAggregateTemplate aggregates, JdbcClient jdbc, ChangeLog changes) {
        this.aggregates = aggregates;
        this.jdbc = jdbc;
        this.changes = changes;
    }

    /** Stores a new bookmark and its tags. */
    void insert(Bookmark bookmark) {
        aggregates.insert(bookmark);
        changes.bookmarkChanged(bookmark.userId(), bookmark.id());
    }

    /** The user's bookmark with this id, if there is one. */
    Optional<Bookmark> find(String userId, UUID id) {
        Bookmark bookmark = aggregates.findById(id, Bookmark.class);
        return Optional.ofNullable(bookmark).filter(b -> b.userId().equals(userId));
    }

    /**
     * Locks the user's bookmark with this id until the transaction ends and returns its creation
     * time, if there is one; so that a replace can't race a delete into writing a row that is gone.
     */
    Optional<OffsetDateTime> lockCreatedAt(String userId, UUID id) {
        return jdbc.sql("SELECT created_at FROM bookmarks WHERE user_id = :user AND id = :id FOR UPDATE")
                .param("user", userId).param("id", id)
                .query((rs, row) -> utc(rs, "created_at")).optional();
    }

    /** Replaces an existing bookmark and its tags; the caller holds its lock. */
    void update(Bookmark bookmark) {
        aggregates.update(bookmark);
        changes.bookmarkChanged(bookmark.userId(), bookmark.id());
    }

    /**
     * Deletes the user's bookmark with this id (its tags go by cascade); false if there was none, and then
     * nothing changed and nothing is logged.
     */
    boolean delete(String userId, UUID id) {
        boolean deleted = jdbc.sql("DELETE FROM bookmarks WHERE user_id = :user AND id = :id")
                .param("user", userId).param("id", id).update() > 0;
        if (deleted) {
            changes.bookmarkChanged(userId, id);
        }
        return deleted;
    }

    /**
     * Up to {@code limit} of the user's bookmarks matching the query, newest first (created_at,
     * then id, both descending), strictly after {@code query.after()} when it is set.
     */
    List<Bookmark> page(String userId, ListQuery query, int limit) {
        JdbcClient.StatementSpec statement = jdbc.sql(pageSql(query.tag() != null, query.after() != null, query.q() != null))
                .param("user", userId).param("limit", limit);
        if (query.tag() != null) {
            statement = statement.param("tag", query.tag());
        }
        if (query.after() != null) {
            statement = statement.param("at", query.after().createdAt().atOffset(ZoneOffset.UTC))
                    .param("after", query.after().id());
        }
        if (query.q() != null) {
            statement = statement.param("q", "%" + escapeLike(query.q().toLowerCase(Locale.ROOT)) + "%");
        }
        return withTags(statement.query(BookmarkStore::bookmarkWithoutTags).list());
    }

    /**
     * The list query: parameters {@code user} and {@code limit}, plus {@code tag}, {@code at} and
     * {@code after} (the cursor), and {@code q} (a LIKE pattern) for the parts asked for.
     */
    static String pageSql(boolean byTag, boolean afterCursor, boolean search) {
        // Keyset and order on the walked index's own columns: t.* for a tag filter, b.* otherwise.
        String time = byTag ? "t.created_at" : "b.created_at";
        String id = byTag ? "t.bookmark_id" : "b.id";
        StringBuilder sql = new StringBuilder("SELECT ").append(COLUMNS);
        if (byTag) {
            sql.append(" FROM bookmark_tags t JOIN bookmarks b ON b.id = t.bookmark_id"
                    + " WHERE t.user_id = :user AND t.tag = :tag");
        } else {
            sql.append(" FROM bookmarks b WHERE b.user_id = :user");
        }
        if (afterCursor) {
            // The redundant "time <= :at" is a range both databases can start the index walk at; the
            // disjunction alone would make H2 scan from the user's newest bookmark.
            sql.append(" AND ").append(time).append(" <= :at AND (").append(time).append(" < :at OR ")
                    .append(id).append(" < :after)");
        }
        if (search) {
            sql.append(" AND (LOWER(b.title) LIKE :q ESCAPE '!' OR LOWER(b.url) LIKE :q ESCAPE '!'"
                    + " OR LOWER(b.notes) LIKE :q ESCAPE '!')");
        }
        // The order names the index's leading equality columns too: the result is the same, and H2 only
        // reads rows in index order (and stops at the limit) when ORDER BY starts like the index.
        String leading = byTag ? "t.user_id, t.tag" : "b.user_id";
        return sql.append(" ORDER BY ").append(leading).append(", ").append(time).append(" DESC, ").append(id)
                .append(" DESC LIMIT :limit").toString();
    }

    /** The user's tags with the number of bookmarks carrying each, most used first, then by tag. */
    List<TagCount> tagCounts(String userId) {
        return jdbc.sql(TAG_COUNTS).param("user", userId)
                .query((rs, row) -> new TagCount(rs.getString("tag"), rs.getLong("n"))).list();
    }

    private List<Bookmark> withTags(List<Bookmark> rows) {
        if (rows.isEmpty()) {
            return rows;
        }
        Map<UUID, Set<BookmarkTag>> tags = new HashMap<>();
        jdbc.sql("SELECT bookmark_id, tag, user_id, created_at FROM bookmark_tags WHERE bookmark_id IN (:ids)")
                .param("ids", rows.stream().map(Bookmark::id).toList())
                .query(rs -> {
                    tags.computeIfAbsent(rs.getObject("bookmark_id", UUID.class), k -> new HashSet<>())
                            .add(new BookmarkTag(rs.getString("tag"), rs.getString("user_id"), utc(rs, "created_at")));
                });
        return rows.stream()
                .map(b -> new Bookmark(b.id(), b.userId(), b.url(), b.title(), b.notes(),
                        tags.getOrDefault(b.id(), Set.of()), b.createdAt(), b.updatedAt()))
                .toList();
    }

    private static Bookmark bookmarkWithoutTags(ResultSet rs, int row) throws SQLException {
        return new Bookmark(rs.getObject("id", UUID.class), rs.getString("user_id"), rs.getString("url"),
                rs.getString("title"), rs.getString("notes"), Set.of(), utc(rs, "created_at"), utc(rs, "updated_at"));
    }

    private static OffsetDateTime utc(ResultSet rs, String column) throws SQLException {
        return rs.getObject(column, OffsetDateTime.class).withOffsetSameInstant(ZoneOffset.UTC);
    }

    /** Makes {@code text} match itself literally in a LIKE pattern with {@code ESCAPE '!'}. */
    static String escapeLike(String text) {
        StringBuilder escaped = new StringBuilder(text.length() + 8);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '%' || c == '_' || c == LIKE_ESCAPE) {
                escaped.append(LIKE_ESCAPE);
            }
            escaped.append(c);
        }
        return escaped.toString();
    }
}
