package dev.bookmarks.bookmarkservice.bookmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bookmarks.bookmarkservice.migration.ChangeLog;
import dev.bookmarks.protocol.testing.MutableClock;
import dev.bookmarks.registry.RingWatcher;
import dev.bookmarks.ring.SlotHash;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Every write the store makes appends exactly one change-log row naming what changed, with the user's slot in
 * the ring the shard holds, in the write's own transaction: a write that rolls back leaves no row.
 */
interface ChangeLogContract extends ShardTest {

    /** Far before the tests' real time, and apart from BookmarkStoreContract's, so the cleanup here is ours. */
    Instant YEARS_AGO = Instant.parse("2000-01-02T03:04:05.123456Z");

    /** One change-log row without its seq and time: slot, and the bookmark id or key. */
    record Logged(int slot, UUID bookmarkId, String idemKey) {
    }

    @Test
    default void aCreateAppendsOneRowNamingTheBookmarkInTheUsersSlot() {
        String user = newUser("log-create");

        UUID id = idOf(service().create(user, input("https://example.com/"), Optional.empty(), "/p"));

        assertThat(logged(user)).containsExactly(new Logged(slotOf(user), id, null));
    }

    @Test
    default void aCreateWithAKeyAppendsOneRowForTheBookmarkAndOneForTheCompletedKey() {
        String user = newUser("log-keyed");
        IdempotencyKey key = new IdempotencyKey("k-1");

        UUID id = idOf(service().create(user, input("https://example.com/"), Optional.of(key), "/p"));
        service().create(user, input("https://example.com/"), Optional.of(key), "/p");

        assertThat(logged(user)).as("the replay changed nothing").containsExactly(
                new Logged(slotOf(user), id, null), new Logged(slotOf(user), null, "k-1"));
    }

    @Test
    default void aReplaceAppendsOneRow() {
        String user = newUser("log-replace");
        UUID id = idOf(service().create(user, input("https://example.com/a"), Optional.empty(), "/p"));

        service().replace(user, id, input("https://example.com/b"));

        assertThat(logged(user))
                .containsExactly(new Logged(slotOf(user), id, null), new Logged(slotOf(user), id, null));
    }

    @Test
    default void aDeleteAppendsOneRowAndDeletingNothingAppendsNone() {
        String user = newUser("log-delete");
        UUID id = idOf(service().create(user, input("https://example.com/"), Optional.empty(), "/p"));

        service().delete(user, id);
        service().delete(user, id);
        service().delete(user, UUID.randomUUID());

        assertThat(logged(user))
                .containsExactly(new Logged(slotOf(user), id, null), new Logged(slotOf(user), id, null));
    }

    @Test
    default void aWriteThatFailsAfterItsChangeInTheSameTransactionLeavesNeitherTheChangeNorItsRow() {
        String user = newUser("log-rollback");
        UUID kept = idOf(service().create(user, input("https://example.com/kept"), Optional.empty(), "/p"));
        String keptBody = service().get(user, kept).toString();
        BookmarkStore store = bean(BookmarkStore.class);
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        Bookmark fresh = new Bookmark(UUID.randomUUID(), user, "https://example.com/new", "", "", Set.of(), now, now);
        Bookmark replaced = new Bookmark(kept, user, "https://example.com/replaced", "", "", Set.of(), now, now);

        assertThatThrownBy(() -> transaction().executeWithoutResult(status -> {
            store.insert(fresh);
            store.update(replaced);
            store.delete(user, kept);
            throw new IllegalStateException("the failure after the writes");
        })).hasMessage("the failure after the writes");

        assertThat(storedRows(user)).isEqualTo("1/1/0");
        assertThat(service().get(user, kept).toString()).isEqualTo(keptBody);
        assertThat(logged(user)).as("only the create before").containsExactly(new Logged(slotOf(user), kept, null));
    }

    @Test
    default void aCompletionThatLostItsKeyRollsBackWithTheBookmarkAndLeavesNoRow() {
        String user = newUser("log-lost-key");
        IdempotencyRecords records = records(new MutableClock(Instant.now()));
        IdempotencyKey key = new IdempotencyKey("k");
        records.claim(user, key, "f");
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);

        transaction().executeWithoutResult(status -> {
            bean(BookmarkStore.class).insert(new Bookmark(UUID.randomUUID(), user, "https://example.com/", "", "",
                    Set.of(), now, now));
            // Another token than the claim's: as when a retry took the key over after the lease.
            if (!records.complete(user, key, UUID.randomUUID(), new StoredResponse(201, "/x", "{}", false))) {
                status.setRollbackOnly();
            }
        });

        assertThat(storedRows(user)).isEqualTo("0/0/1");
        assertThat(logged(user)).isEmpty();
    }

    @Test
    default void theCleanupLogsEachCompletedRecordItDeletesButNotTheOnesInProgress() {
        String user = newUser("log-cleanup");
        MutableClock clock = new MutableClock(YEARS_AGO);
        IdempotencyRecords records = records(clock);
        IdempotencyKey completed = new IdempotencyKey("completed");
        UUID token = ((IdempotencyRecords.Owned) records.claim(user, completed, "f")).token();
        transaction().executeWithoutResult(status ->
                records.complete(user, completed, token, new StoredResponse(201, "/x", "{}", false)));
        records.claim(user, new IdempotencyKey("in-progress"), "f");

        clock.advance(idempotencyProperties().retention().plusSeconds(1));
        int deleted = new IdempotencyCleanup(records, idempotencyProperties()).run();

        assertThat(deleted).isEqualTo(2);
        assertThat(storedRows(user)).isEqualTo("0/0/0");
        assertThat(logged(user)).as("its completion, then its deletion").containsExactly(
                new Logged(slotOf(user), null, "completed"), new Logged(slotOf(user), null, "completed"));
    }

    @Test
    default void aChangeOutsideATransactionIsRefusedAndLogsNothing() {
        String user = newUser("log-no-transaction");

        assertThatThrownBy(() -> bean(ChangeLog.class).bookmarkChanged(user, UUID.randomUUID()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("in the transaction of the change");
        assertThat(logged(user)).isEmpty();
    }

    private List<Logged> logged(String user) {
        return jdbc().sql("SELECT slot, bookmark_id, idem_key FROM change_log WHERE user_id = :user ORDER BY seq")
                .param("user", user)
                .query((rs, n) -> new Logged(rs.getInt("slot"), rs.getObject("bookmark_id", UUID.class),
                        rs.getString("idem_key")))
                .list();
    }

    private int slotOf(String user) {
        return SlotHash.slotOf(user, bean(RingWatcher.class).current().orElseThrow().slotCount());
    }

    private static UUID idOf(StoredResponse created) {
        String location = created.location();
        return UUID.fromString(location.substring(location.lastIndexOf('/') + 1));
    }

    private static BookmarkInput input(String url) {
        return new BookmarkInput(url, "", List.of("t"), "");
    }

    private TransactionTemplate transaction() {
        return new TransactionTemplate(bean(PlatformTransactionManager.class));
    }

    private IdempotencyRecords records(MutableClock clock) {
        return new IdempotencyRecords(jdbc(), bean(PlatformTransactionManager.class), idempotencyProperties(), clock,
                bean(ChangeLog.class));
    }

    private BookmarkService service() {
        return bean(BookmarkService.class);
    }
}
