package dev.bookmarks.bookmarkservice.migration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bookmarks.bookmarkservice.ActingGateway;
import dev.bookmarks.bookmarkservice.ShardIntegrationBase;
import dev.bookmarks.protocol.InternalSecret;
import dev.bookmarks.protocol.testing.MutableClock;
import dev.bookmarks.registry.ImportReports;
import dev.bookmarks.registry.ImportReports.ImportReport;
import dev.bookmarks.registry.ImportReports.Phase;
import dev.bookmarks.registry.RedisKeys;
import dev.bookmarks.registry.SlotRows;
import dev.bookmarks.ring.Ring;
import dev.bookmarks.ring.Shard;
import dev.bookmarks.ring.SlotHash;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.client.RestClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * The target's runner and both sides' orphan sweep, driven by the ring in Redis as the registry will drive
 * them: the runner copies when the ring shows slots moving to its shard, reports each step in Redis, drains and
 * verifies once they are frozen, reports a mismatch when the copy differs, and forgets a copy that was cut over
 * or aborted; the sweep deletes the rows of slots a shard no longer holds, after the grace and not before. The
 * source is the class's shard; the target ({@code s-2}) is a runner and a database of the test's own.
 */
class ImportRunnerIT extends ShardIntegrationBase {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final Shard SELF = Shard.active(SHARD_ID, SHARD_URL, 1);
    static final Shard TARGET = Shard.active("s-2", "http://127.0.0.1:9002", 1);
    static final Ring FIRST = Ring.create(1024, List.of(SELF));
    private static final Set<Integer> USED = ConcurrentHashMap.newKeySet();
    private static DataSource targetDatabase;

    @TempDir
    static Path targetDir;

    @Autowired
    RedisConnectionFactory redis;

    @Autowired
    RedisKeys keys;

    @Autowired
    JdbcClient sourceJdbc;

    @Autowired
    PlatformTransactionManager sourceTransactions;

    RingSteps ring;
    JdbcClient targetJdbc;
    PlatformTransactionManager targetTransactions;
    ImportReports reports;
    ImportRunner runner;
    MutableClock clock = new MutableClock(Instant.parse("2026-12-01T00:00:00Z"));

    @BeforeEach
    void setUp() {
        publishFirstRing(FIRST);
        ring = new RingSteps(store, watcher, SELF, TARGET);
        synchronized (ImportRunnerIT.class) {
            if (targetDatabase == null) {
                targetDatabase = new DriverManagerDataSource("jdbc:h2:file:" + targetDir.resolve("target")
                        + ";WRITE_DELAY=0", "sa", "");
                Flyway.configure().dataSource(targetDatabase).locations("classpath:db/migration").load().migrate();
            }
        }
        targetJdbc = JdbcClient.create(targetDatabase);
        targetTransactions = new DataSourceTransactionManager(targetDatabase);
        reports = new ImportReports(redis, keys, Duration.ofMinutes(1));
        InternalRequestSigner signer = new InternalRequestSigner(InternalSecret.parse(SECRET), TARGET.id(),
                Clock.systemUTC());
        RateLimiter unlimited = RateLimiter.of("test", RateLimiterConfig.custom().limitForPeriod(100_000)
                .limitRefreshPeriod(Duration.ofMillis(100)).timeoutDuration(Duration.ofSeconds(10)).build());
        SlotStore targetStore = new SlotStore(targetJdbc);
        runner = new ImportRunner(watcher, TARGET.id(), reports,
                (from, slots) -> new SlotCopy(new SourceClient(RestClient.builder(), signer, from.id(),
                        URI.create("http://127.0.0.1:" + port)), slots, targetStore,
                        new TransactionTemplate(targetTransactions), unlimited, 100),
                new MigrationSource(targetJdbc, targetTransactions)::digest, Duration.ofMillis(100),
                Duration.ofHours(23), Clock.systemUTC());
    }

    @Test
    void theRunnerCopiesReportsCatchingUpAndOnceFrozenDrainsAndReportsVerifiedAtTheFreezingEpoch() {
        String user = movableUser("runner");
        int slot = slotOf(user);
        for (int i = 0; i < 12; i++) {
            create(user, "https://example.com/r" + i, "r-" + i);
        }
        Ring copying = ring.startMigration(slot);

        runner.step();
        ImportReport first = reports.read(TARGET.id(), SHARD_ID).orElseThrow();
        create(user, "https://example.com/late", "late");
        runner.step();
        ImportReport second = reports.read(TARGET.id(), SHARD_ID).orElseThrow();
        Ring frozen = ring.freeze(slot);
        runner.step();
        ImportReport verified = reports.read(TARGET.id(), SHARD_ID).orElseThrow();
        ring.cutover(slot);
        runner.step();

        assertThat(first.phase()).isEqualTo(Phase.CATCHING_UP);
        assertThat(first.epoch()).isEqualTo(copying.epoch());
        assertThat(first.slots()).isEqualTo(Integer.toString(slot));
        assertThat(first.rowsCopied()).as("12 bookmarks and their 12 records").isEqualTo(24);
        assertThat(second.entriesReplayed()).as("the late bookmark and its record").isEqualTo(2);
        assertThat(verified.phase()).as(verified.detail()).isEqualTo(Phase.VERIFIED);
        assertThat(verified.epoch()).isEqualTo(frozen.epoch());
        assertThat(targetJdbc.sql("SELECT COUNT(*) FROM bookmarks WHERE user_id = :u").param("u", user)
                .query(Long.class).single()).isEqualTo(13);
        assertThat(reports.read(TARGET.id(), SHARD_ID)).as("forgotten after the cutover").isEmpty();
    }

    @Test
    void aCopyThatDiffersFromItsSourceIsReportedAsAMismatchNamingTheUser() {
        String user = movableUser("mismatch");
        int slot = slotOf(user);
        String id = create(user, "https://example.com/m", null);
        ring.startMigration(slot);
        runner.step();
        // A row the log knows nothing of: only the verification can find it.
        targetJdbc.sql("UPDATE bookmarks SET notes = 'changed behind the log' WHERE id = :id")
                .param("id", java.util.UUID.fromString(id)).update();
        ring.freeze(slot);

        runner.step();
        ImportReport report = reports.read(TARGET.id(), SHARD_ID).orElseThrow();
        ring.abort(slot);
        runner.step();

        assertThat(report.phase()).isEqualTo(Phase.MISMATCH);
        assertThat(report.detail()).contains(user);
        assertThat(reports.read(TARGET.id(), SHARD_ID)).as("forgotten after the abort").isEmpty();
    }

    @Test
    void theRowsOfAnAbortedCopyAreSweptFromTheTargetOnlyAfterTheGrace() {
        String user = movableUser("aborted");
        int slot = slotOf(user);
        create(user, "https://example.com/aborted", "aborted-key");
        ring.startMigration(slot);
        runner.step();
        ring.abort(slot);
        OrphanSweeper sweeper = sweeper(TARGET.id(), targetJdbc, targetTransactions);

        int firstSweep = sweeper.run();
        long kept = bookmarksOf(targetJdbc, user);
        clock.advance(Duration.ofMinutes(10));
        int secondSweep = sweeper.run();

        assertThat(firstSweep).isZero();
        assertThat(kept).as("within the grace").isEqualTo(1);
        assertThat(secondSweep).as("its bookmark and its record, at least").isGreaterThanOrEqualTo(2);
        assertThat(bookmarksOf(targetJdbc, user)).isZero();
    }

    @Test
    void afterTheCutoverTheSourceSweepsTheSlotsRowsAndKeepsItsOwn() {
        String moved = movableUser("moved");
        String stays = "stays-here";
        int slot = slotOf(moved);
        create(moved, "https://example.com/moved", null);
        create(stays, "https://example.com/stays", null);
        ring.startMigration(slot);
        ring.freeze(slot);
        OrphanSweeper sweeper = sweeper(SHARD_ID, sourceJdbc, sourceTransactions);
        sweeper.run();
        clock.advance(Duration.ofHours(1));
        int whileFrozen = sweeper.run();
        ring.cutover(slot);

        sweeper.run();
        long keptInTheGrace = bookmarksOf(sourceJdbc, moved);
        clock.advance(Duration.ofMinutes(10));
        sweeper.run();

        assertThat(whileFrozen).as("a frozen slot is still the source's").isZero();
        assertThat(keptInTheGrace).isEqualTo(1);
        assertThat(bookmarksOf(sourceJdbc, moved)).isZero();
        assertThat(bookmarksOf(sourceJdbc, stays)).isEqualTo(1);
    }

    @Test
    void theRowCounterPublishesEachSlotsBookmarksAndCompletedIdempotencyRecords() {
        SlotRows rows = new SlotRows(redis, keys, Duration.ofMinutes(1));
        SlotRowCounter counter = new SlotRowCounter(watcher, SHARD_ID, new SlotStore(sourceJdbc), rows,
                Duration.ofMinutes(1), clock);
        String keyed = movableUser("counted-keyed");
        String plain = movableUser("counted-plain");
        SlotRows.Counts before = counter.run().orElseThrow();
        for (int i = 0; i < 3; i++) {
            create(keyed, "https://example.com/k" + i, "count-" + i);
        }
        for (int i = 0; i < 2; i++) {
            create(plain, "https://example.com/p" + i, null);
        }

        SlotRows.Counts after = counter.run().orElseThrow();

        boolean oneSlot = slotOf(keyed) == slotOf(plain);
        assertThat(after.of(slotOf(keyed)) - before.of(slotOf(keyed))).as("3 bookmarks, 3 records")
                .isEqualTo(oneSlot ? 8 : 6);
        assertThat(after.of(slotOf(plain)) - before.of(slotOf(plain))).isEqualTo(oneSlot ? 8 : 2);
        long stored = sourceJdbc.sql("SELECT COUNT(*) FROM bookmarks").query(Long.class).single()
                + sourceJdbc.sql("SELECT COUNT(*) FROM idempotency_keys WHERE state = 'COMPLETED'").query(Long.class)
                        .single();
        assertThat(Arrays.stream(after.perSlot()).asLongStream().sum()).isEqualTo(stored);
        assertThat(after.slotCount()).isEqualTo(FIRST.slotCount());
        SlotRows.Counts published = rows.read(SHARD_ID).orElseThrow();
        assertThat(published.perSlot()).isEqualTo(after.perSlot());
        assertThat(published.measuredAt()).isEqualTo(clock.instant());
    }

    private OrphanSweeper sweeper(String shardId, JdbcClient jdbc, PlatformTransactionManager transactions) {
        MigrationProperties properties = new MigrationProperties(Duration.ofHours(24), Duration.ofMinutes(15), 2000,
                500, Duration.ofMillis(200), Duration.ofSeconds(30), Duration.ofMinutes(10), Duration.ofMinutes(1),
                Duration.ofMinutes(1));
        return new OrphanSweeper(watcher, shardId, new SlotStore(jdbc), new TransactionTemplate(transactions),
                properties, clock);
    }

    private static long bookmarksOf(JdbcClient jdbc, String user) {
        return jdbc.sql("SELECT COUNT(*) FROM bookmarks WHERE user_id = :u").param("u", user).query(Long.class)
                .single();
    }

    private String movableUser(String hint) {
        return ring.movableUser(hint, USED);
    }

    private String create(String user, String url, String key) {
        ActingGateway gateway = new ActingGateway(port, SECRET, SHARD_ID, watcher.current().orElseThrow().epoch());
        HttpResponse<String> created = gateway.send("POST", "/api/users/" + user + "/bookmarks", user,
                "{\"url\":\"" + url + "\"}", key == null ? Map.of() : Map.of("Idempotency-Key", key));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return JSON.readTree(created.body()).get("id").asString();
    }

    private static int slotOf(String user) {
        return SlotHash.slotOf(user, FIRST.slotCount());
    }
}
