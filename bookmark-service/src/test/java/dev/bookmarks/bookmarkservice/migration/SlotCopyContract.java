package dev.bookmarks.bookmarkservice.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bookmarks.bookmarkservice.ActingGateway;
import dev.bookmarks.bookmarkservice.ShardIntegrationBase;
import dev.bookmarks.protocol.InternalSecret;
import dev.bookmarks.ring.Ring;
import dev.bookmarks.ring.Shard;
import dev.bookmarks.ring.SlotHash;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.client.RestClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * A target's copy of slots from a real source shard over the signed internal API: the copy and its catch-up
 * leave the target with exactly the source's rows of the slots (compared by {@link SlotDigest}, which both sides
 * compute with the same code), under writes that go on meanwhile, through the freeze and the drain; replaying
 * is idempotent; the purge takes exactly the slots' users. The source is the class's shard (this shard owns every
 * slot at first); the target is a database of its own, migrated by Flyway as a shard's is, written by
 * {@link SlotStore} as the target shard's would be.
 */
abstract class SlotCopyContract extends ShardIntegrationBase {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final Shard SELF = Shard.active(SHARD_ID, SHARD_URL, 1);
    static final Shard TARGET = Shard.active("s-2", "http://127.0.0.1:9002", 1);
    static final Ring FIRST = Ring.create(1024, List.of(SELF));
    private static final Map<Class<?>, Set<Integer>> USED = new ConcurrentHashMap<>();
    private static final Map<Class<?>, DataSource> TARGETS = new ConcurrentHashMap<>();

    @Autowired
    MigrationSource source;

    @Autowired
    JdbcClient sourceJdbc;

    @Autowired
    PlatformTransactionManager sourceTransactions;

    RingSteps ring;
    JdbcClient targetJdbc;
    PlatformTransactionManager targetTransactions;
    SourceClient client;

    /** A database for the target, empty, once per class: Flyway migrates it as a shard's. */
    abstract DataSource newTargetDatabase();

    @BeforeEach
    void setUp() {
        publishFirstRing(FIRST);
        ring = new RingSteps(store, watcher, SELF, TARGET);
        DataSource target = TARGETS.computeIfAbsent(getClass(), c -> {
            DataSource created = newTargetDatabase();
            Flyway.configure().dataSource(created).locations("classpath:db/migration").load().migrate();
            return created;
        });
        targetJdbc = JdbcClient.create(target);
        targetTransactions = new DataSourceTransactionManager(target);
        client = new SourceClient(RestClient.builder(), new InternalRequestSigner(InternalSecret.parse(SECRET),
                TARGET.id(), Clock.systemUTC()), SHARD_ID, URI.create("http://127.0.0.1:" + port));
    }

    @Test
    void aCopyAndItsCatchUpLeaveTheTargetWithExactlyTheSourcesRowsOfTheSlots() {
        String alice = movableUser("copy-a");
        String bob = movableUser("copy-b");
        String outsider = "copy-outsider";
        SlotSet slots = set(alice, bob);
        assertThat(slots.contains(slotOf(outsider))).isFalse();
        List<String> alices = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            alices.add(create(alice, "https://example.com/a" + i, List.of("t" + i % 4, "all"), "key-a-" + i));
        }
        create(bob, "https://example.com/b", List.of(), null);
        create(outsider, "https://example.com/out", List.of("x"), "key-out");
        ring.startMigration(slotOf(alice), slotOf(bob));
        SlotCopy copy = copy(slots, 7);

        long start = copy.copy();
        // Changes after the copy's position: only the log carries them to the target.
        update(alice, alices.get(0), "https://example.com/a0-changed", List.of("changed"));
        delete(alice, alices.get(1));
        String late = create(bob, "https://example.com/b-late", List.of("late"), "key-b-late");
        long reached = copy.catchUp(start);

        assertThat(reached).isGreaterThan(start);
        assertThat(copy.progress().bookmarksCopied()).isEqualTo(31);
        assertThat(copy.progress().recordsCopied()).isEqualTo(30);
        assertThat(copy.progress().entriesReplayed()).isEqualTo(4);
        assertThat(copy.progress().lag()).isZero();
        assertSameRows(slots);
        assertThat(targetDigest(slots).bookmarks()).isEqualTo(31);
        assertThat(targetIds(alice)).doesNotContain(alices.get(1)).contains(alices.get(0));
        assertThat(targetIds(bob)).contains(late);
        assertThat(targetJdbc.sql("SELECT COUNT(*) FROM bookmarks WHERE user_id = :u").param("u", outsider)
                .query(Long.class).single()).as("a user outside the slots").isZero();
        assertThat(targetJdbc.sql("SELECT url FROM bookmarks WHERE id = :id").param("id",
                java.util.UUID.fromString(alices.get(0))).query(String.class).single())
                .isEqualTo("https://example.com/a0-changed");
    }

    @Test
    void writesThatGoOnThroughTheCopyAndTheFreezeAreAllOnTheTargetAfterTheDrain() throws Exception {
        List<String> users = List.of(movableUser("live-a"), movableUser("live-b"), movableUser("live-c"));
        SlotSet slots = set(users.toArray(String[]::new));
        int[] slotNumbers = users.stream().mapToInt(SlotCopyContract::slotOf).toArray();
        for (String user : users) {
            for (int i = 0; i < 20; i++) {
                create(user, "https://example.com/" + user + "/" + i, List.of("seed"), null);
            }
        }
        ring.startMigration(slotNumbers);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger acknowledged = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        // A writer that creates, changes and deletes until told to stop, bounded in count.
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            Random random = new Random(16);
            List<String> mine = new ArrayList<>();
            for (int i = 0; i < 2000 && !stop.get(); i++) {
                String user = users.get(random.nextInt(users.size()));
                HttpResponse<String> answer;
                int op = random.nextInt(4);
                if (op == 0 && !mine.isEmpty()) {
                    String[] victim = mine.remove(random.nextInt(mine.size())).split(" ");
                    answer = gateway().send("DELETE", "/api/users/" + victim[0] + "/bookmarks/" + victim[1],
                            victim[0], null);
                } else if (op == 1 && !mine.isEmpty()) {
                    String[] target = mine.get(random.nextInt(mine.size())).split(" ");
                    answer = gateway().send("PUT", "/api/users/" + target[0] + "/bookmarks/" + target[1], target[0],
                            "{\"url\":\"https://example.com/put/" + i + "\",\"tags\":[\"p" + i % 3 + "\"]}");
                } else {
                    answer = gateway().send("POST", "/api/users/" + user + "/bookmarks", user,
                            "{\"url\":\"https://example.com/live/" + i + "\"}", Map.of("Idempotency-Key", "w-" + i));
                    if (answer.statusCode() == 201) {
                        mine.add(user + " " + JSON.readTree(answer.body()).get("id").asString());
                    }
                }
                if (answer.statusCode() / 100 == 2) {
                    acknowledged.incrementAndGet();
                } else {
                    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(503);
                    refused.incrementAndGet();
                }
            }
        });
        // Pages of 50: each replays in one round trip, enough to keep up with the writer.
        SlotCopy copy = copy(slots, 50);
        long start = copy.copy();
        long caughtUp = copy.catchUp(start);
        // A few more rounds, each up to the source's position as it starts, while the writer goes on.
        for (int round = 0; round < 3; round++) {
            caughtUp = copy.catchUp(caughtUp);
        }
        int beforeTheFreeze = acknowledged.get();
        Ring frozen = ring.freeze(slotNumbers);
        long last = copy.drain(caughtUp, frozen.epoch());
        stop.set(true);
        writer.get(60, TimeUnit.SECONDS);

        assertThat(beforeTheFreeze).as("writes acknowledged while the slots copied").isGreaterThan(0);
        assertThat(acknowledged.get() + refused.get()).as("the writer was bounded").isLessThanOrEqualTo(2000);
        assertThat(last).isGreaterThanOrEqualTo(caughtUp);
        assertSameRows(slots);
    }

    /**
     * A figure, not a limit: rows per second a target copies, unthrottled and at 5,000 rows/s (the default is
     * 2,000), from 10,000 bookmarks of 100 users in four slots (each with two tags), pages of 500.
     */
    @Test
    void printsTheRowsPerSecondACopyMovesWithAndWithoutItsThrottle() {
        List<String> owners = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            owners.add(movableUser("rate-" + i));
        }
        List<String> users = new ArrayList<>();
        for (int i = 0; users.size() < 100; i++) {
            String user = "rate-user-" + i;
            if (owners.stream().anyMatch(owner -> slotOf(owner) == slotOf(user))) {
                users.add(user);
            }
        }
        SlotSet slots = set(owners.toArray(String[]::new));
        SlotStore sourceRows = new SlotStore(sourceJdbc);
        Instant at = Instant.parse("2026-12-01T00:00:00.000001Z");
        for (int u = 0; u < users.size(); u++) {
            String user = users.get(u);
            new TransactionTemplate(sourceTransactions).executeWithoutResult(status -> {
                for (int i = 0; i < 100; i++) {
                    sourceRows.put(new MigratedBookmark(java.util.UUID.randomUUID(), user,
                            "https://example.com/rate/" + i, "title " + i, "notes", List.of("a", "b"),
                            at.plusSeconds(i), at.plusSeconds(i)));
                }
            });
        }
        ring.startMigration(IntStream.range(0, owners.size()).map(i -> slotOf(owners.get(i))).distinct().toArray());

        long begin = System.nanoTime();
        new SlotCopy(client, slots, new SlotStore(targetJdbc), new TransactionTemplate(targetTransactions),
                RateLimiter.of("unthrottled", RateLimiterConfig.custom().limitForPeriod(1_000_000)
                        .limitRefreshPeriod(Duration.ofMillis(100)).timeoutDuration(Duration.ofSeconds(10)).build()),
                500).copy();
        double unthrottled = (System.nanoTime() - begin) / 1e9;
        begin = System.nanoTime();
        new SlotCopy(client, slots, new SlotStore(targetJdbc), new TransactionTemplate(targetTransactions),
                RateLimiter.of("throttled", RateLimiterConfig.custom().limitForPeriod(500)
                        .limitRefreshPeriod(Duration.ofMillis(100)).timeoutDuration(Duration.ofMinutes(1)).build()),
                500).copy();
        double throttled = (System.nanoTime() - begin) / 1e9;
        System.out.printf("[%s] copy of 10,000 bookmarks (20,000 tags): unthrottled %.2f s, %.0f rows/s; throttled to"
                + " 5,000 rows/s %.2f s, %.0f rows/s%n", getClass().getSimpleName(), unthrottled, 10_000 / unthrottled,
                throttled, 10_000 / throttled);

        assertThat(targetDigest(slots).bookmarks()).isGreaterThanOrEqualTo(10_000);
        assertSameRows(slots);
    }

    @Test
    void copyingAgainAndReplayingTheLogAgainChangeNothing() {
        String user = movableUser("again");
        SlotSet slots = set(user);
        for (int i = 0; i < 10; i++) {
            create(user, "https://example.com/again/" + i, List.of("a"), "again-" + i);
        }
        ring.startMigration(slotOf(user));
        SlotCopy copy = copy(slots, 3);
        long start = copy.copy();
        String id = create(user, "https://example.com/again/late", List.of(), null);
        delete(user, id);
        long reached = copy.catchUp(start);
        SlotDigest once = targetDigest(slots);

        copy(slots, 4).copy();
        copy(slots, 2).catchUp(start);
        copy(slots, 1).catchUp(0);

        assertThat(reached).isGreaterThan(start);
        assertThat(targetDigest(slots)).isEqualTo(once);
        assertSameRows(slots);
    }

    @Test
    void theDigestNamesTheUserWhoseRowsDiffer() {
        String alice = movableUser("digest-a");
        String bob = movableUser("digest-b");
        SlotSet slots = set(alice, bob);
        String id = create(alice, "https://example.com/d", List.of("d"), null);
        create(bob, "https://example.com/e", List.of(), null);
        ring.startMigration(slotOf(alice), slotOf(bob));
        copy(slots, 10).catchUp(copy(slots, 10).copy());
        assertSameRows(slots);

        targetJdbc.sql("UPDATE bookmarks SET title = 'tampered' WHERE id = :id")
                .param("id", java.util.UUID.fromString(id)).update();
        SlotDigest atSource = client.digest(slots, Instant.EPOCH);
        SlotDigest atTarget = targetDigest(slots);

        assertThat(atTarget.matches(atSource)).isFalse();
        assertThat(atTarget.usersDifferingFrom(atSource)).containsExactly(alice);
        assertThat(atTarget.bookmarks()).as("the counts alone agree").isEqualTo(atSource.bookmarks());
    }

    @Test
    void thePurgeDeletesEveryRowOfTheSlotsUsersAndNoOtherUsers() {
        String alice = movableUser("purge-a");
        String outsider = "purge-outsider";
        SlotSet slots = set(alice);
        SlotStore target = new SlotStore(targetJdbc);
        Instant now = Instant.parse("2026-01-02T03:04:05.123456Z");
        new TransactionTemplate(targetTransactions).executeWithoutResult(status -> {
            for (String user : List.of(alice, outsider)) {
                target.put(new MigratedBookmark(java.util.UUID.randomUUID(), user, "https://example.com/p", "p", "",
                        List.of("a", "b"), now, now));
                target.put(new MigratedIdempotencyRecord(user, "k", "f".repeat(64), 201, "/x", "{}", now));
            }
        });

        SlotStore.UsersPage page = target.usersIn(slots::contains, FIRST.slotCount(), null, 100);
        int removed = new TransactionTemplate(targetTransactions).execute(status -> target.removeUsers(page.users()));

        assertThat(page.users()).containsExactly(alice);
        assertThat(page.next()).isNull();
        assertThat(removed).isEqualTo(2);
        assertThat(targetJdbc.sql("SELECT DISTINCT user_id FROM bookmarks WHERE user_id IN (:u)")
                .param("u", List.of(alice, outsider)).query(String.class).list()).containsExactly(outsider);
        assertThat(targetJdbc.sql("SELECT COUNT(*) FROM bookmark_tags WHERE user_id = :u").param("u", alice)
                .query(Long.class).single()).isZero();
    }

    @Test
    void aSourceThatRefusesTheCallerIsAnErrorWithItsStatus() {
        SourceClient stranger = new SourceClient(RestClient.builder(), new InternalRequestSigner(
                InternalSecret.parse("another secret, of another deployment, 32+ bytes"), TARGET.id(),
                Clock.systemUTC()), SHARD_ID, URI.create("http://127.0.0.1:" + port));

        assertThatThrownBy(() -> stranger.position(null)).isInstanceOf(SourceClient.SourceException.class)
                .satisfies(e -> assertThat(((SourceClient.SourceException) e).status()).isEqualTo(401));
    }

    private SlotCopy copy(SlotSet slots, int pageSize) {
        RateLimiter unlimited = RateLimiter.of("test", RateLimiterConfig.custom().limitForPeriod(100_000)
                .limitRefreshPeriod(Duration.ofMillis(100)).timeoutDuration(Duration.ofSeconds(10)).build());
        return new SlotCopy(client, slots, new SlotStore(targetJdbc), new TransactionTemplate(targetTransactions),
                unlimited, pageSize);
    }

    private void assertSameRows(SlotSet slots) {
        SlotDigest atSource = client.digest(slots, Instant.EPOCH);
        SlotDigest atTarget = targetDigest(slots);
        assertThat(atTarget.usersDifferingFrom(atSource)).isEmpty();
        assertThat(atTarget.matches(atSource)).as("target %s, source %s", atTarget, atSource).isTrue();
    }

    /** The target's digest, by the code the source's endpoint runs, over the target's database. */
    private SlotDigest targetDigest(SlotSet slots) {
        return new MigrationSource(targetJdbc, targetTransactions).digest(slots, FIRST.slotCount(), Instant.EPOCH);
    }

    private List<String> targetIds(String user) {
        return targetJdbc.sql("SELECT id FROM bookmarks WHERE user_id = :u").param("u", user)
                .query(java.util.UUID.class).list().stream().map(java.util.UUID::toString).toList();
    }

    private String movableUser(String hint) {
        return ring.movableUser(hint, USED.computeIfAbsent(getClass(), c -> ConcurrentHashMap.newKeySet()));
    }

    private ActingGateway gateway() {
        return new ActingGateway(port, SECRET, SHARD_ID, watcher.current().orElseThrow().epoch());
    }

    private String create(String user, String url, List<String> tags, String key) {
        HttpResponse<String> created = gateway().send("POST", "/api/users/" + user + "/bookmarks", user,
                JSON.writeValueAsString(Map.of("url", url, "tags", tags)),
                key == null ? Map.of() : Map.of("Idempotency-Key", key));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return JSON.readTree(created.body()).get("id").asString();
    }

    private void update(String user, String id, String url, List<String> tags) {
        HttpResponse<String> updated = gateway().send("PUT", "/api/users/" + user + "/bookmarks/" + id, user,
                JSON.writeValueAsString(Map.of("url", url, "tags", tags)));
        assertThat(updated.statusCode()).as(updated.body()).isEqualTo(200);
    }

    private void delete(String user, String id) {
        HttpResponse<String> deleted = gateway().send("DELETE", "/api/users/" + user + "/bookmarks/" + id, user, null);
        assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(204);
    }

    private static SlotSet set(String... users) {
        return SlotSet.parse(String.join(",", IntStream.range(0, users.length)
                .mapToObj(i -> Integer.toString(slotOf(users[i]))).toList()), FIRST.slotCount());
    }

    private static int slotOf(String user) {
        return SlotHash.slotOf(user, FIRST.slotCount());
    }
}
