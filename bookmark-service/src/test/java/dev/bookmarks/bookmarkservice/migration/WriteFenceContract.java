package dev.bookmarks.bookmarkservice.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bookmarks.bookmarkservice.ActingGateway;
import dev.bookmarks.bookmarkservice.ShardIntegrationBase;
import dev.bookmarks.protocol.GatewayHeaders;
import dev.bookmarks.ring.Ring;
import dev.bookmarks.ring.Shard;
import dev.bookmarks.ring.SlotHash;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The source's write fence against a real shard deployed as in production: a write to a slot frozen for its
 * cutover is refused (503, Retry-After) while reads go on, a stale gateway's write after the cutover is refused
 * (421), an abort gives the slot its writes back, and a write already past the ownership filter when the ring
 * froze its slot is refused where it commits, so the position read as of the freezing epoch is final. The ring
 * starts with this shard owning every slot; each test moves slots of its own towards {@code s-2}, one epoch at a
 * time, as the registry would.
 */
abstract class WriteFenceContract extends ShardIntegrationBase {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final Shard SELF = Shard.active(SHARD_ID, SHARD_URL, 1);
    static final Shard TARGET = Shard.active("s-2", "http://127.0.0.1:9002", 1);
    static final Ring FIRST = Ring.create(1024, List.of(SELF));
    /** The slots each class's tests took, so that no two tests of a class share a slot. */
    private static final Map<Class<?>, Set<Integer>> USED = new ConcurrentHashMap<>();

    @Autowired
    JdbcClient jdbc;

    @Autowired
    DataSource database;

    @Autowired
    PlatformTransactionManager transactions;

    @Autowired
    ChangeLog changes;

    InternalClient target;
    RingSteps ring;

    @BeforeEach
    void ring() {
        publishFirstRing(FIRST);
        target = new InternalClient(port, SECRET, TARGET.id(), SHARD_ID);
        ring = new RingSteps(store, watcher, SELF, TARGET);
    }

    @Test
    void aWriteToAFrozenSlotIsRefusedWith503AndRetryAfterWhileItsReadsGoOn() {
        String user = movableUser("frozen");
        int slot = slotOf(user);
        String kept = create(gateway(), user, "https://example.com/kept");
        ring.startMigration(slot);
        Ring frozen = ring.freeze(slot);
        ActingGateway gateway = gateway();
        long entries = entriesOf(user);

        HttpResponse<String> post = gateway.send("POST", "/api/users/" + user + "/bookmarks", user,
                "{\"url\":\"https://example.com/refused\"}", Map.of("Idempotency-Key", "k-frozen"));
        HttpResponse<String> put = gateway.send("PUT", "/api/users/" + user + "/bookmarks/" + kept, user,
                "{\"url\":\"https://example.com/changed\"}");
        HttpResponse<String> delete = gateway.send("DELETE", "/api/users/" + user + "/bookmarks/" + kept, user, null);
        HttpResponse<String> read = gateway.send("GET", "/api/users/" + user + "/bookmarks/" + kept, user, null);
        HttpResponse<String> list = gateway.send("GET", "/api/users/" + user + "/bookmarks", user, null);

        for (HttpResponse<String> refused : List.of(post, put, delete)) {
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
            assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
            assertThat(refused.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/problem+json"));
            assertThat(JSON.readTree(refused.body()).get("epoch").asLong()).isEqualTo(frozen.epoch());
        }
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(read.body()).get("url").asString()).isEqualTo("https://example.com/kept");
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(list.body()).get("items")).hasSize(1);
        assertThat(entriesOf(user)).as("nothing was logged, so nothing changed").isEqualTo(entries);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM idempotency_keys WHERE user_id = :user").param("user", user)
                .query(Long.class).single()).as("the refused create's key is free for its retry").isZero();
    }

    @Test
    void aWriteAlreadyPastTheFilterWhenItsSlotFreezesIsRefusedWhereItCommits() throws Exception {
        String user = movableUser("in-flight");
        int slot = slotOf(user);
        ring.startMigration(slot);
        UUID id = UUID.randomUUID();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch frozen = new CountDownLatch(1);
        // A write whose request the filter let through (the slot was copying), slow to reach its commit.
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() ->
                new TransactionTemplate(transactions).executeWithoutResult(status -> {
                    started.countDown();
                    awaitLatch(frozen);
                    changes.bookmarkChanged(user, id);
                }));
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        Ring freezing = ring.freeze(slot);
        frozen.countDown();

        assertThat(writer).failsWithin(Duration.ofSeconds(10)).withThrowableThat()
                .havingRootCause().isInstanceOf(WriteFencedException.class)
                .withMessageContaining("frozen");
        assertThat(jdbc.sql("SELECT COUNT(*) FROM change_log WHERE bookmark_id = :id").param("id", id)
                .query(Long.class).single()).isZero();
        assertThat(freezing.migrationOf(slot)).isPresent();
    }

    @Test
    void thePositionAsOfTheFreezingEpochWaitsForAWriteThatHeldItsStripeFirstAndNothingCommitsAfterIt()
            throws Exception {
        String user = movableUser("final");
        int slot = slotOf(user);
        ring.startMigration(slot);
        UUID before = UUID.randomUUID();
        HeldWrite held = HeldWrite.append(transactions, () -> changes.bookmarkChanged(user, before));
        Ring freezing = ring.freeze(slot);

        CompletableFuture<HttpResponse<String>> position = CompletableFuture.supplyAsync(
                () -> target.get("/internal/migration/position?epoch=" + freezing.epoch()));
        HeldWrite.awaitALockWaiter(database);
        boolean answeredBeforeTheCommit = position.isDone();
        held.commit();
        JsonNode answer = ok(position.get(10, TimeUnit.SECONDS));
        long seq = jdbc.sql("SELECT seq FROM change_log WHERE bookmark_id = :id").param("id", before)
                .query(Long.class).single();
        HttpResponse<String> late = gateway().send("POST", "/api/users/" + user + "/bookmarks", user,
                "{\"url\":\"https://example.com/late\"}");

        assertThat(answeredBeforeTheCommit).isFalse();
        assertThat(answer.get("position").asLong()).isGreaterThanOrEqualTo(seq);
        assertThat(answer.get("epoch").asLong()).isGreaterThanOrEqualTo(freezing.epoch());
        assertThat(late.statusCode()).isEqualTo(503);
        assertThat(jdbc.sql("SELECT COALESCE(MAX(seq), 0) FROM change_log WHERE slot = :slot").param("slot", slot)
                .query(Long.class).single()).as("the slot's last entry").isLessThanOrEqualTo(
                answer.get("position").asLong());
    }

    @Test
    void aPositionAsOfAnEpochTheShardDoesNotHoldIsA503AndAMalformedEpochA400() {
        long held = watcher.current().orElseThrow().epoch();

        HttpResponse<String> future = target.get("/internal/migration/position?epoch=" + (held + 1000));
        HttpResponse<String> negative = target.get("/internal/migration/position?epoch=-1");
        JsonNode current = ok(target.get("/internal/migration/position?epoch=" + held));

        assertThat(future.statusCode()).as(future.body()).isEqualTo(503);
        assertThat(future.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(JSON.readTree(future.body()).get("epoch").asLong()).isGreaterThanOrEqualTo(held);
        assertThat(negative.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(negative.body()).get("errors").get(0).get("field").asString()).isEqualTo("epoch");
        assertThat(current.get("epoch").asLong()).isGreaterThanOrEqualTo(held);
    }

    @Test
    void afterTheCutoverAStaleGatewaysWriteIsRefusedWith421AndTheNewEpoch() {
        String user = movableUser("cutover");
        int slot = slotOf(user);
        ActingGateway stale = gateway();
        ring.startMigration(slot);
        ring.freeze(slot);
        Ring cut = ring.cutover(slot);

        HttpResponse<String> write = stale.send("POST", "/api/users/" + user + "/bookmarks", user,
                "{\"url\":\"https://example.com/stale\"}");
        HttpResponse<String> read = stale.send("GET", "/api/users/" + user + "/bookmarks", user, null);

        assertThat(write.statusCode()).as(write.body()).isEqualTo(421);
        assertThat(write.headers().firstValue(GatewayHeaders.EPOCH)).hasValue(Long.toString(cut.epoch()));
        assertThat(read.statusCode()).isEqualTo(421);
        assertThat(cut.ownerOf(user).id()).isEqualTo(TARGET.id());
        assertThatThrownBy(() -> new TransactionTemplate(transactions).executeWithoutResult(
                status -> changes.bookmarkChanged(user, UUID.randomUUID())))
                .isInstanceOf(WriteFencedException.class).hasMessageContaining("belongs to s-2");
    }

    @Test
    void anAbortGivesTheSlotItsWritesBackOnTheSource() {
        String user = movableUser("abort");
        int slot = slotOf(user);
        ring.startMigration(slot);
        ring.freeze(slot);
        HttpResponse<String> whileFrozen = gateway().send("POST", "/api/users/" + user + "/bookmarks", user,
                "{\"url\":\"https://example.com/frozen\"}");
        ring.abort(slot);

        HttpResponse<String> afterAbort = gateway().send("POST", "/api/users/" + user + "/bookmarks", user,
                "{\"url\":\"https://example.com/after-abort\"}");

        assertThat(whileFrozen.statusCode()).isEqualTo(503);
        assertThat(afterAbort.statusCode()).as(afterAbort.body()).isEqualTo(201);
    }

    @Test
    void whileASlotCopiesItsSourceTakesWritesAsBefore() {
        String user = movableUser("copying");
        int slot = slotOf(user);
        ring.startMigration(slot);

        String id = create(gateway(), user, "https://example.com/copying");
        HttpResponse<String> put = gateway().send("PUT", "/api/users/" + user + "/bookmarks/" + id, user,
                "{\"url\":\"https://example.com/copying-2\"}");
        HttpResponse<String> delete = gateway().send("DELETE", "/api/users/" + user + "/bookmarks/" + id, user, null);

        assertThat(put.statusCode()).isEqualTo(200);
        assertThat(delete.statusCode()).isEqualTo(204);
        assertThat(entriesOf(user)).isEqualTo(3);
    }

    /** A gateway signing at the epoch this shard holds now. */
    private ActingGateway gateway() {
        return new ActingGateway(port, SECRET, SHARD_ID, watcher.current().orElseThrow().epoch());
    }

    /** A user of a slot that moving to {@code s-2} would move, not migrating now and used by no other test. */
    private String movableUser(String hint) {
        return ring.movableUser(hint, USED.computeIfAbsent(getClass(), c -> ConcurrentHashMap.newKeySet()));
    }

    private String create(ActingGateway gateway, String user, String url) {
        HttpResponse<String> created = gateway.send("POST", "/api/users/" + user + "/bookmarks", user,
                "{\"url\":\"" + url + "\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return JSON.readTree(created.body()).get("id").asString();
    }

    private long entriesOf(String user) {
        return jdbc.sql("SELECT COUNT(*) FROM change_log WHERE user_id = :user").param("user", user)
                .query(Long.class).single();
    }

    private static int slotOf(String user) {
        return SlotHash.slotOf(user, FIRST.slotCount());
    }

    private static JsonNode ok(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static void awaitLatch(CountDownLatch latch) {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test did not release the writer within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
