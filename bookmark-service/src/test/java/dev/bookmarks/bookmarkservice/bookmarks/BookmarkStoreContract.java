package dev.bookmarks.bookmarkservice.bookmarks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bookmarks.bookmarkservice.migration.ChangeLog;
import dev.bookmarks.protocol.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.scheduling.config.FixedDelayTask;
import org.springframework.scheduling.config.ScheduledTaskHolder;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * The storage layer against a real database: keyset paging, the Idempotency-Key protocol of
 * {@link IdempotencyRecords} with a clock the test moves, the cleanup, and the indexes the
 * queries rely on.
 */
interface BookmarkStoreContract extends ShardTest {

    /** A start far before the tests' real time, so the cleanup tests delete only their own rows. */
    Instant LONG_AGO = Instant.parse("2001-02-03T04:05:06.123456789Z");

    /** The plan the database chooses for {@code sql}, with sequential scans discouraged where it can be told. */
    String plan(String sql, Map<String, Object> parameters);

    /** An index's name as the database prints it in a plan. */
    String inPlan(String index);

    /** Whether the plan reads rows in the index's order, so it needs no sort and stops at the limit. */
    boolean readsInIndexOrder(String plan);

    @Test
    default void pagesVisitEveryBookmarkOnceWhenManyShareOneTimestamp() {
        String user = newUser("ties");
        BookmarkService service = service(new MutableClock(LONG_AGO));
        for (int i = 0; i < 7; i++) {
            service.create(user, input("https://example.com/" + i, List.of("t")), Optional.empty(), "/");
        }

        List<String> all = ids(service.list(user, ListQuery.of(bean(PageCursors.class), user, null, null, "100", null)));
        List<String> paged = pageThrough(service, user, null);
        List<String> pagedByTag = pageThrough(service, user, "t");

        assertThat(all).hasSize(7).doesNotHaveDuplicates();
        assertThat(paged).containsExactlyElementsOf(all);
        assertThat(pagedByTag).containsExactlyElementsOf(all);
    }

    @Test
    default void aClaimedKeyIsInFlightForOthersUntilItsRequestCompletesThenReplayed() {
        String user = newUser("claim");
        IdempotencyRecords records = records(new MutableClock(Instant.now()));
        IdempotencyKey key = new IdempotencyKey("k");

        IdempotencyRecords.Claim first = records.claim(user, key, "f1");
        IdempotencyRecords.Claim second = records.claim(user, key, "f1");
        IdempotencyRecords.Claim other = records.claim(user, key, "f2");
        StoredResponse response = new StoredResponse(201, "/api/users/" + user + "/bookmarks/x", "{\"a\":1}", false);
        boolean completed = complete(records, user, key, ((IdempotencyRecords.Owned) first).token(), response);
        IdempotencyRecords.Claim retry = records.claim(user, key, "f1");

        assertThat(first).isInstanceOf(IdempotencyRecords.Owned.class);
        assertThat(second).isInstanceOf(IdempotencyRecords.InFlight.class);
        assertThat(other).isInstanceOf(IdempotencyRecords.Mismatch.class);
        assertThat(completed).isTrue();
        assertThat(retry).isEqualTo(new IdempotencyRecords.Replay(
                new StoredResponse(201, response.location(), response.body(), true)));
        assertThat(records.claim(user, key, "f2")).isInstanceOf(IdempotencyRecords.Mismatch.class);
    }

    @Test
    default void aKeyWhoseRequestDiedIsTakenOverAfterTheLeaseAndTheOldRequestCanNoLongerComplete() {
        String user = newUser("lease");
        MutableClock clock = new MutableClock(Instant.now());
        IdempotencyRecords records = records(clock);
        IdempotencyKey key = new IdempotencyKey("k");
        StoredResponse response = new StoredResponse(201, "/x", "{}", false);
        UUID dead = ((IdempotencyRecords.Owned) records.claim(user, key, "f")).token();

        clock.advance(idempotencyProperties().lease().minusSeconds(1));
        IdempotencyRecords.Claim withinLease = records.claim(user, key, "f");
        clock.advance(Duration.ofSeconds(2));
        IdempotencyRecords.Claim afterLease = records.claim(user, key, "f");

        assertThat(withinLease).isInstanceOf(IdempotencyRecords.InFlight.class);
        assertThat(afterLease).isInstanceOf(IdempotencyRecords.Owned.class);
        assertThat(complete(records, user, key, dead, response)).isFalse();
        assertThat(complete(records, user, key, ((IdempotencyRecords.Owned) afterLease).token(), response)).isTrue();
    }

    @Test
    default void aReleasedKeyCanBeClaimedAgain() {
        String user = newUser("release");
        IdempotencyRecords records = records(new MutableClock(Instant.now()));
        IdempotencyKey key = new IdempotencyKey("k");
        UUID token = ((IdempotencyRecords.Owned) records.claim(user, key, "f")).token();

        records.release(user, key, token);

        assertThat(records.claim(user, key, "other body, now allowed")).isInstanceOf(IdempotencyRecords.Owned.class);
    }

    @Test
    default void aCreateWithAKeyStoresTheBookmarkAndItsResponseTogether() {
        String user = newUser("together");
        BookmarkService service = service(new MutableClock(Instant.now()));
        IdempotencyKey key = new IdempotencyKey("k");

        StoredResponse created = service.create(user, input("https://example.com/", List.of()), Optional.of(key), "/p");
        StoredResponse replayed = service.create(user, input("https://example.com/", List.of()), Optional.of(key), "/p");

        assertThat(replayed).isEqualTo(new StoredResponse(created.status(), created.location(), created.body(), true));
        assertThat(jdbc().sql("SELECT response_body FROM idempotency_keys WHERE user_id = :user").param("user", user)
                .query(String.class).single()).isEqualTo(created.body());
        assertThat(storedRows(user)).isEqualTo("1/0/1");
    }

    @Test
    default void keysAreKeptForTheRetentionThenDeletedByTheCleanup() {
        String user = newUser("cleanup");
        MutableClock clock = new MutableClock(LONG_AGO);
        IdempotencyRecords records = records(clock);
        IdempotencyCleanup cleanup = new IdempotencyCleanup(records, idempotencyProperties());
        IdempotencyKey key = new IdempotencyKey("k");
        UUID token = ((IdempotencyRecords.Owned) records.claim(user, key, "f")).token();
        clock.advance(Duration.ofSeconds(5));
        complete(records, user, key, token, new StoredResponse(201, "/x", "{}", false));

        clock.advance(idempotencyProperties().retention().minusSeconds(1));
        int early = cleanup.run();
        String keptRows = storedRows(user);
        clock.advance(Duration.ofSeconds(2));
        int due = cleanup.run();

        assertThat(idempotencyProperties().retention()).isEqualTo(Duration.ofHours(24));
        assertThat(early).isZero();
        assertThat(keptRows).isEqualTo("0/0/1");
        assertThat(due).isEqualTo(1);
        assertThat(storedRows(user)).isEqualTo("0/0/0");
        assertThat(records.claim(user, key, "a new request")).isInstanceOf(IdempotencyRecords.Owned.class);
    }

    @Test
    default void theCleanupIsScheduledEveryConfiguredInterval() {
        List<Duration> intervals = new ArrayList<>();
        bean(ScheduledTaskHolder.class).getScheduledTasks().forEach(scheduled -> {
            if (scheduled.getTask() instanceof FixedDelayTask task) {
                intervals.add(task.getIntervalDuration());
            }
        });

        assertThat(intervals).contains(idempotencyProperties().cleanupInterval());
        assertThat(idempotencyProperties().cleanupInterval()).isEqualTo(Duration.ofMinutes(15));
    }

    @Test
    default void theListWalksTheNewestFirstIndexWithoutSorting() {
        Map<String, Object> parameters = parameters();

        String first = plan(BookmarkStore.pageSql(false, false, false), parameters);
        String next = plan(BookmarkStore.pageSql(false, true, false), parameters);
        String search = plan(BookmarkStore.pageSql(false, true, true), parameters);

        for (String plan : List.of(first, next, search)) {
            assertThat(plan).contains(inPlan("bookmarks_user_newest"));
            assertThat(readsInIndexOrder(plan)).as(plan).isTrue();
        }
    }

    @Test
    default void theTagFilterWalksTheTagIndexWithoutSorting() {
        String plan = plan(BookmarkStore.pageSql(true, true, false), parameters());

        assertThat(plan).contains(inPlan("bookmark_tags_user_tag_newest"));
        assertThat(readsInIndexOrder(plan)).as(plan).isTrue();
    }

    @Test
    default void tagCountsReadTheTagIndex() {
        String plan = plan(BookmarkStore.TAG_COUNTS, parameters());

        assertThat(plan).contains(inPlan("bookmark_tags_user_tag_newest"));
    }

    private Map<String, Object> parameters() {
        Map<String, Object> parameters = new HashMap<>();
        parameters.put("user", "u");
        parameters.put("tag", "t");
        parameters.put("limit", 21);
        parameters.put("at", OffsetDateTime.now(ZoneOffset.UTC));
        parameters.put("after", UUID.randomUUID());
        parameters.put("q", "%x%");
        return parameters;
    }

    private List<String> pageThrough(BookmarkService service, String user, String tag) {
        Set<String> seen = new LinkedHashSet<>();
        List<String> all = new ArrayList<>();
        String cursor = null;
        do {
            BookmarkPage page = service.list(user, ListQuery.of(bean(PageCursors.class), user, tag, null, "2", cursor));
            all.addAll(ids(page));
            seen.addAll(ids(page));
            cursor = page.nextCursor();
        } while (cursor != null);
        assertThat(all).hasSameSizeAs(seen);
        return all;
    }

    private static List<String> ids(BookmarkPage page) {
        return page.items().stream().map(BookmarkView::id).toList();
    }

    private static BookmarkInput input(String url, List<String> tags) {
        return new BookmarkInput(url, "", tags, "");
    }

    /** Completes the key as the service does: in a transaction, which the completion's change-log row needs. */
    private boolean complete(IdempotencyRecords records, String user, IdempotencyKey key, UUID token,
            StoredResponse response) {
        return new TransactionTemplate(bean(PlatformTransactionManager.class))
                .execute(status -> records.complete(user, key, token, response));
    }

    private IdempotencyRecords records(MutableClock clock) {
        return new IdempotencyRecords(jdbc(), bean(PlatformTransactionManager.class), idempotencyProperties(), clock,
                bean(ChangeLog.class));
    }

    private BookmarkService service(MutableClock clock) {
        return new BookmarkService(bean(BookmarkStore.class), records(clock), bean(PlatformTransactionManager.class),
                bean(JsonMapper.class), clock, bean(PageCursors.class));
    }
}
