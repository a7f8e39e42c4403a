package dev.bookmarks.bookmarkservice.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.bookmarks.bookmarkservice.ActingGateway;
import dev.bookmarks.bookmarkservice.ShardIntegrationBase;
import dev.bookmarks.protocol.GatewayHeaders;
import dev.bookmarks.protocol.testing.MutableClock;
import dev.bookmarks.protocol.attack.RawHttp;
import dev.bookmarks.registry.RingSigner;
import dev.bookmarks.registry.RingWatcher;
import dev.bookmarks.ring.MovePlan;
import dev.bookmarks.ring.Ring;
import dev.bookmarks.ring.Shard;
import dev.bookmarks.ring.ShardState;
import dev.bookmarks.ring.SlotHash;
import dev.bookmarks.testing.redis.TestRingKeys;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
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
 * The source side of a slot migration against a real shard, deployed as in production (signatures checked,
 * ownership on, a ring of 1024 slots owned by this shard, all but slot {@value #STILL} copying to {@code s-2}):
 * what a target reads (every row of a slot exactly once, the log after a position, a row's current state), the
 * position that no late commit can fall behind, the log's retention, every way a request that is not another
 * shard's is refused, and that a shard reads only the slots moving to it. Each test uses a slot of its own, so
 * the tests of a class share a database without seeing each other's rows.
 */
abstract class MigrationSourceContract extends ShardIntegrationBase {

    static final JsonMapper JSON = JsonMapper.builder().build();
    /** The shard that reads: a migration target. */
    static final String TARGET = "s-2";
    /** The one slot that is not migrating. */
    static final int STILL = 0;
    static final Ring FIRST = Ring.create(1024, List.of(Shard.active(SHARD_ID, SHARD_URL, 1)));
    /** The ring of every test, written after {@link #FIRST}. */
    static final Ring RING = everySlotCopyingToTheTargetBut(STILL);

    @Autowired
    JdbcClient jdbc;

    @Autowired
    DataSource database;

    @Autowired
    PlatformTransactionManager transactions;

    @Autowired
    ChangeLog changes;

    @Autowired
    MigrationProperties properties;

    ActingGateway gateway;
    InternalClient target;

    @BeforeEach
    void ring() {
        publishFirstRing(FIRST);
        if (store.readEpoch() == FIRST.epoch()) {
            store.compareAndSet(FIRST.epoch(), RING, RingSigner.parse(TestRingKeys.PRIVATE_KEY));
        }
        await().atMost(Duration.ofSeconds(30))
                .until(() -> watcher.current().map(Ring::epoch).orElse(0L) == RING.epoch());
        gateway = actingGateway(RING);
        target = new InternalClient(port, SECRET, TARGET, SHARD_ID);
    }

    @Test
    void pagingThroughASlotReturnsEachOfItsBookmarksExactlyOnce() {
        List<String> users = usersInOneSlot("paging", 3);
        int slot = slotOf(users.get(0));
        Set<String> created = new HashSet<>();
        int[] bookmarks = {100, 100, 50};
        for (int u = 0; u < users.size(); u++) {
            for (int i = 0; i < bookmarks[u]; i++) {
                created.add(create(users.get(u), "https://example.com/" + i, List.of("t" + i % 3, "all")));
            }
        }
        for (String other : usersOutside(slot, "paging-elsewhere", 2)) {
            create(other, "https://elsewhere.example/", List.of());
        }

        List<String> seen = new ArrayList<>();
        List<Integer> pageSizes = new ArrayList<>();
        String after = null;
        do {
            JsonNode page = ok(target.get("/internal/migration/slots/" + slot + "/bookmarks?limit=100"
                    + (after == null ? "" : "&after=" + encode(after))));
            for (JsonNode item : page.get("items")) {
                assertThat(users).contains(item.get("userId").asString());
                assertThat(item.get("tags").size()).isEqualTo(2);
                seen.add(item.get("id").asString());
            }
            pageSizes.add(page.get("items").size());
            after = page.get("next").isNull() ? null : page.get("next").asString();
        } while (after != null);

        assertThat(seen).hasSize(250).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(created);
        assertThat(pageSizes.subList(0, 2)).containsExactly(100, 100);
    }

    @Test
    void aSetOfSlotsIsWalkedInOnePassAndASlotOutsideItIsLeftOut() {
        List<String> first = usersInOneSlot("set-a", 1);
        List<String> second = usersInOneSlot("set-b", 1);
        List<String> third = usersInOneSlot("set-c", 1);
        Set<String> wanted = new HashSet<>();
        for (String user : List.of(first.get(0), second.get(0))) {
            for (int i = 0; i < 3; i++) {
                wanted.add(create(user, "https://example.com/" + i, List.of()));
            }
        }
        create(third.get(0), "https://example.com/left-out", List.of());
        String set = slotOf(first.get(0)) + "," + slotOf(second.get(0));

        List<String> seen = new ArrayList<>();
        String after = null;
        do {
            JsonNode page = ok(target.get("/internal/migration/slots/" + set + "/bookmarks?limit=2"
                    + (after == null ? "" : "&after=" + encode(after))));
            page.get("items").forEach(item -> seen.add(item.get("id").asString()));
            after = page.get("next").isNull() ? null : page.get("next").asString();
        } while (after != null);

        assertThat(seen).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(wanted);
    }

    @Test
    void pagingThroughASlotsIdempotencyRecordsReturnsEachCompletedOneExactlyOnce() {
        List<String> users = usersInOneSlot("keys", 2);
        int slot = slotOf(users.get(0));
        Map<String, String> answers = new HashMap<>();
        for (String user : users) {
            for (int i = 0; i < 3; i++) {
                // Characters a cursor and a query must carry intact: ':' ends a user in the cursor, '&' and '+'
                // mean something in a query.
                String key = "k:" + i + "/&+=";
                HttpResponse<String> created = gateway.send("POST", "/api/users/" + user + "/bookmarks", user,
                        "{\"url\":\"https://example.com/" + i + "\"}", Map.of("Idempotency-Key", key));
                assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
                answers.put(user + " " + key, created.body());
            }
        }
        inProgress(users.get(0), "in-progress");

        Map<String, String> seen = new LinkedHashMap<>();
        String after = null;
        do {
            JsonNode page = ok(target.get("/internal/migration/slots/" + slot + "/idempotency?limit=2"
                    + (after == null ? "" : "&after=" + encode(after))));
            for (JsonNode record : page.get("items")) {
                String id = record.get("userId").asString() + " " + record.get("idemKey").asString();
                assertThat(seen.put(id, record.get("responseBody").asString())).as("seen once: " + id).isNull();
                assertThat(record.get("status").asInt()).isEqualTo(201);
                assertThat(record.get("fingerprint").asString()).matches("[0-9a-f]{64}");
                assertThat(record.get("location").asString()).startsWith("/api/users/");
            }
            after = page.get("next").isNull() ? null : page.get("next").asString();
        } while (after != null);

        assertThat(seen).as("completed records only, with the answer each stored").isEqualTo(answers);
    }

    @Test
    void theLogReturnsTheEntriesAfterAPositionInOrderForTheAskedSlotsOnly() {
        String user = usersInOneSlot("log", 1).get(0);
        String elsewhere = usersOutside(slotOf(user), "log-elsewhere", 1).get(0);
        long position = ok(target.get("/internal/migration/position")).get("position").asLong();
        String id = create(user, "https://example.com/1", List.of());
        create(elsewhere, "https://elsewhere.example/", List.of());
        HttpResponse<String> replaced = gateway.send("PUT", "/api/users/" + user + "/bookmarks/" + id, user,
                "{\"url\":\"https://example.com/2\"}");
        assertThat(replaced.statusCode()).as(replaced.body()).isEqualTo(200);
        String keyed = create(user, "https://example.com/3", List.of(), "the-key");
        assertThat(gateway.send("DELETE", "/api/users/" + user + "/bookmarks/" + id, user, null).statusCode())
                .isEqualTo(204);

        List<JsonNode> entries = new ArrayList<>();
        long after = position;
        JsonNode page;
        do {
            page = ok(target.get("/internal/migration/log?after=" + after + "&slots=" + slotOf(user) + "&limit=2"));
            page.get("entries").forEach(entries::add);
            assertThat(page.get("entries").size()).isLessThanOrEqualTo(2);
            after = page.get("next").asLong();
        } while (after != page.get("position").asLong());

        assertThat(entries).extracting(entry -> entry.get("seq").asLong()).isSorted().doesNotHaveDuplicates()
                .allSatisfy(seq -> assertThat(seq).isGreaterThan(position));
        assertThat(entries).allSatisfy(entry -> {
            assertThat(entry.get("slot").asInt()).isEqualTo(slotOf(user));
            assertThat(entry.get("userId").asString()).isEqualTo(user);
            assertThat(entry.get("changedAt").asString()).isNotEmpty();
        });
        assertThat(entries).extracting(entry -> entry.get("bookmarkId").isNull()
                        ? "key " + entry.get("idemKey").asString() : entry.get("bookmarkId").asString())
                .as("create, replace, keyed create and its key, delete")
                .containsExactly(id, id, keyed, "key the-key", id);
    }

    @Test
    void stateAnswersABookmarkWithItsTagsAndAbsentOnceItIsDeleted() {
        String user = usersInOneSlot("state", 1).get(0);
        String id = create(user, "https://example.com/state", List.of("b", "a"));

        JsonNode present = ok(target.get("/internal/migration/state?user=" + user + "&bookmark=" + id));
        assertThat(gateway.send("DELETE", "/api/users/" + user + "/bookmarks/" + id, user, null).statusCode())
                .isEqualTo(204);
        JsonNode absent = ok(target.get("/internal/migration/state?user=" + user + "&bookmark=" + id));
        JsonNode otherUsers = ok(target.get("/internal/migration/state?user=someone-else&bookmark=" + id));

        assertThat(present.get("present").asBoolean()).isTrue();
        assertThat(present.get("bookmark").get("url").asString()).isEqualTo("https://example.com/state");
        assertThat(present.get("bookmark").get("tags").toString()).isEqualTo("[\"a\",\"b\"]");
        assertThat(present.get("bookmark").get("createdAt").asString()).isNotEmpty();
        assertThat(absent.get("present").asBoolean()).isFalse();
        assertThat(absent.get("bookmark").isNull()).isTrue();
        assertThat(absent.get("bookmarkId").asString()).isEqualTo(id);
        assertThat(otherUsers.get("present").asBoolean()).isFalse();
    }

    @Test
    void stateAnswersACompletedIdempotencyRecordAndAbsentForAnUnknownOrUnfinishedKey() {
        String user = usersInOneSlot("state-key", 1).get(0);
        create(user, "https://example.com/keyed", List.of(), "k+1&2");
        inProgress(user, "running");

        JsonNode completed = ok(target.get("/internal/migration/state?user=" + user + "&idemKey=" + encode("k+1&2")));
        JsonNode unknown = ok(target.get("/internal/migration/state?user=" + user + "&idemKey=nope"));
        JsonNode running = ok(target.get("/internal/migration/state?user=" + user + "&idemKey=running"));

        assertThat(completed.get("present").asBoolean()).isTrue();
        assertThat(completed.get("idemKey").asString()).isEqualTo("k+1&2");
        assertThat(completed.get("record").get("status").asInt()).isEqualTo(201);
        assertThat(unknown.get("present").asBoolean()).isFalse();
        assertThat(running.get("present").asBoolean()).as("no answer to replay yet").isFalse();
    }

    @Test
    void thePositionIsNotAnsweredWhileAnEntryAtOrBelowItCouldStillCommit() throws Exception {
        String user = usersInOneSlot("barrier", 1).get(0);
        UUID id = UUID.randomUUID();
        HeldWrite held = HeldWrite.append(transactions, () -> changes.bookmarkChanged(user, id));

        CompletableFuture<HttpResponse<String>> position =
                CompletableFuture.supplyAsync(() -> target.get("/internal/migration/position"));
        HeldWrite.awaitALockWaiter(database);
        boolean answeredBeforeTheCommit = position.isDone();
        held.commit();
        long answered = ok(position.get(10, TimeUnit.SECONDS)).get("position").asLong();
        long seq = jdbc.sql("SELECT seq FROM change_log WHERE bookmark_id = :id").param("id", id)
                .query(Long.class).single();

        assertThat(answeredBeforeTheCommit).isFalse();
        assertThat(answered).isGreaterThanOrEqualTo(seq);
    }

    @Test
    void beforeTheFirstRingNoChangeCanBeLoggedSoTheChangeIsNotMade() {
        String user = usersInOneSlot("no-ring", 1).get(0);
        // A watcher that was never started holds no ring, as a shard does until its first read of Redis.
        ChangeLog withoutRing = new ChangeLog(jdbc, transactions, new RingWatcher(store, Duration.ofSeconds(1),
                Clock.systemUTC()), Clock.systemUTC(), SHARD_ID, true);
        UUID id = UUID.randomUUID();

        assertThatThrownBy(() -> new TransactionTemplate(transactions).executeWithoutResult(
                status -> withoutRing.bookmarkChanged(user, id))).isInstanceOf(NoRingException.class);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM change_log WHERE bookmark_id = :id").param("id", id)
                .query(Long.class).single()).isZero();
    }

    @Test
    void theCleanupDeletesOnlyEntriesOlderThanTheRetentionAndTheLogSaysWhenEntriesAreGone() {
        String user = usersInOneSlot("retention", 1).get(0);
        int slot = slotOf(user);
        ChangeLog longAgo = new ChangeLog(jdbc, transactions, watcher,
                new MutableClock(Instant.parse("2001-02-03T04:05:06Z")), SHARD_ID, true);
        long before = changes.position();
        UUID old1 = UUID.randomUUID();
        UUID old2 = UUID.randomUUID();
        new TransactionTemplate(transactions).executeWithoutResult(status -> {
            longAgo.bookmarkChanged(user, old1);
            longAgo.bookmarkChanged(user, old2);
        });
        String recent = create(user, "https://example.com/recent", List.of());

        int deleted = new ChangeLogCleanup(changes, properties).run();
        long oldest = jdbc.sql("SELECT MIN(seq) FROM change_log WHERE user_id = :user").param("user", user)
                .query(Long.class).single();
        HttpResponse<String> fromBefore = target.get("/internal/migration/log?after=" + before + "&slots=" + slot);
        JsonNode fromAfter = ok(target.get("/internal/migration/log?after=" + (oldest - 1) + "&slots=" + slot));

        assertThat(properties.logRetention()).isEqualTo(Duration.ofHours(24));
        assertThat(properties.logCleanupInterval()).isEqualTo(Duration.ofMinutes(15));
        assertThat(deleted).isGreaterThanOrEqualTo(2);
        assertThat(jdbc.sql("SELECT bookmark_id FROM change_log WHERE user_id = :user").param("user", user)
                .query(UUID.class).list()).as("the recent entry stays").containsExactly(UUID.fromString(recent));
        assertProblem(fromBefore, 410, "after");
        assertThat(fromAfter.get("entries").get(0).get("bookmarkId").asString()).isEqualTo(recent);
    }

    @Test
    void aShardReadsOnlyTheSlotsTheRingMovesFromHereToIt() {
        String still = userInSlot(STILL);
        String moving = usersOutside(STILL, "read-by-ring", 1).get(0);
        int slot = slotOf(moving);
        InternalClient bystander = new InternalClient(port, SECRET, "s-3", SHARD_ID);
        List<String> reads = List.of("/internal/migration/slots/%d/bookmarks", "/internal/migration/slots/%d/idempotency",
                "/internal/migration/slots/%d/digest", "/internal/migration/log?after=0&slots=%d");

        for (String read : reads) {
            assertThat(target.get(read.formatted(slot)).statusCode()).as(read).isEqualTo(200);
            assertRefused(bystander.get(read.formatted(slot)), slot, "s-3");
            assertRefused(target.get(read.formatted(STILL)), STILL, TARGET);
        }
        assertRefused(target.get("/internal/migration/slots/" + STILL + "-" + slot + "/bookmarks"), STILL, TARGET);
        assertThat(target.get("/internal/migration/state?user=" + moving + "&idemKey=k").statusCode()).isEqualTo(200);
        assertRefused(bystander.get("/internal/migration/state?user=" + moving + "&idemKey=k"), slot, "s-3");
        assertRefused(target.get("/internal/migration/state?user=" + still + "&bookmark=" + UUID.randomUUID()),
                STILL, TARGET);
        assertThat(bystander.get("/internal/migration/position").statusCode()).as("no slot's").isEqualTo(200);
    }

    private static void assertRefused(HttpResponse<String> response, int slot, String caller) {
        assertProblem(response, 403, null);
        assertThat(detail(response)).isEqualTo("at epoch " + RING.epoch() + " slot " + slot
                + " is not migrating from " + SHARD_ID + " to " + caller + ": a shard reads only the slots moving to it");
    }

    @Test
    void everyCallRefusesARequestWithoutAnInternalSignature() {
        for (String call : calls()) {
            HttpResponse<String> unsigned = ActingGateway.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + call)).GET().build());
            HttpResponse<String> gatewaySigned = gateway.send("GET", call, "alice", null);

            assertProblem(unsigned, 401, null);
            assertThat(detail(unsigned)).isEqualTo(InternalRequestVerifier.NO_SIGNATURE);
            assertProblem(gatewaySigned, 401, null);
            assertThat(detail(gatewaySigned)).as(call).isEqualTo(InternalRequestVerifier.NO_SIGNATURE);
        }
    }

    @Test
    void aGatewaySignatureMovedIntoTheInternalHeadersIsRefused() {
        String call = "/internal/migration/position";
        HttpResponse<String> signed = gateway.send("GET", call, "alice", null);
        HttpHeaders sent = signed.request().headers();
        Map<String, String> moved = Map.of(InternalHeaders.CALLER, TARGET,
                InternalHeaders.TIMESTAMP, sent.firstValue(GatewayHeaders.TIMESTAMP).orElseThrow(),
                InternalHeaders.NONCE, sent.firstValue(GatewayHeaders.NONCE).orElseThrow(),
                InternalHeaders.SIGNATURE, sent.firstValue(GatewayHeaders.SIGNATURE).orElseThrow());

        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + call)).GET();
        moved.forEach(request::header);
        HttpResponse<String> replayed = ActingGateway.send(request.build());

        assertProblem(replayed, 401, null);
        assertThat(detail(replayed)).isEqualTo(InternalRequestVerifier.NOT_I1);
    }

    @Test
    void anInternalSignatureIsRefusedOnTheGatewaysApi() {
        String path = "/api/users/alice/bookmarks";
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET();
        target.headers("GET", path, null).forEach(request::header);

        HttpResponse<String> response = ActingGateway.send(request.build());

        assertProblem(response, 401, null);
        assertThat(detail(response)).isEqualTo("the request carries no gateway signature");
    }

    @Test
    void anInternalRequestSentAgainOrForAnotherShardIsRefused() {
        String call = "/internal/migration/position";
        HttpResponse<String> first = target.get(call);
        HttpRequest.Builder again = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + call)).GET();
        InternalHeaders.ALL.forEach(
                name -> again.header(name, first.request().headers().firstValue(name).orElseThrow()));
        HttpResponse<String> forAnother = new InternalClient(port, SECRET, TARGET, "s-3").get(call);
        HttpResponse<String> otherSecret = new InternalClient(port, "another secret that is 32 bytes long", TARGET,
                SHARD_ID).get(call);

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(detail(ActingGateway.send(again.build()))).isEqualTo(InternalRequestVerifier.REPLAYED);
        assertThat(detail(forAnother)).isEqualTo(InternalRequestVerifier.MISMATCH);
        assertThat(detail(otherSecret)).isEqualTo(InternalRequestVerifier.MISMATCH);
    }

    @Test
    void nonCanonicalSpellingsOfAnInternalPathAreRefusedWith400EvenWhenSigned() {
        List<String> spellings = List.of("/internal//migration/position", "/internal/migration/./position",
                "/internal/migration/../migration/position", "/internal/migration%2Fposition",
                "/internal%2fmigration/position", "/internal/migration/%70osition", "/internal/migration/position/",
                "/internal;x/migration/position", "/internal/migration/position;x", "/internal%5Cmigration/position",
                "/internal/migration/slots/7%2F../bookmarks", "/internal/migration/slots/7%2C0/bookmarks",
                "/internal/migration/slots/%30/bookmarks", "/internal/migration/slots/7;0/bookmarks",
                "/internal/migration/slots//0/bookmarks", "/internal/migration/slots/7/../0/bookmarks");

        for (String spelling : spellings) {
            RawHttp.Answer answer = RawHttp.send(port, "GET", spelling, target.headers("GET", spelling, null), null);

            assertThat(answer.status()).as(spelling).isEqualTo(400);
            assertThat(answer.raw()).as(spelling).contains("application/problem+json", "Path not canonical");
        }
        // A raw backslash never gets as far as a filter: Tomcat's request-line parser refuses it (as HTML).
        String backslash = "/internal\\migration/position";
        assertThat(RawHttp.send(port, "GET", backslash, target.headers("GET", backslash, null), null).status())
                .isEqualTo(400);
    }

    @Test
    void badParametersAre400ProblemsNamingTheParameter() {
        String id = UUID.randomUUID().toString();
        Map<String, String> refusals = new LinkedHashMap<>();
        refusals.put("/internal/migration/slots/1024/bookmarks", "slots");
        refusals.put("/internal/migration/slots/5-3/bookmarks", "slots");
        refusals.put("/internal/migration/slots/x/idempotency", "slots");
        refusals.put("/internal/migration/slots/7/bookmarks?limit=0", "limit");
        refusals.put("/internal/migration/slots/7/bookmarks?limit=1001", "limit");
        refusals.put("/internal/migration/slots/7/idempotency?limit=ten", "limit");
        refusals.put("/internal/migration/slots/7/bookmarks?after=" + encode("not a user"), "after");
        refusals.put("/internal/migration/slots/7/bookmarks?after=" + encode(userInSlot(7) + ":12:not-a-uuid"),
                "after");
        refusals.put("/internal/migration/slots/8/bookmarks?after=" + userInSlot(7), "after");
        refusals.put("/internal/migration/log?slots=7", "after");
        refusals.put("/internal/migration/log?after=-1&slots=7", "after");
        refusals.put("/internal/migration/log?after=" + Long.MAX_VALUE / 10 + "&slots=7", "after");
        refusals.put("/internal/migration/log?after=0", "slots");
        refusals.put("/internal/migration/log?after=0&slots=7,2000", "slots");
        refusals.put("/internal/migration/state?bookmark=" + id, "user");
        refusals.put("/internal/migration/state?user=alice", "bookmark");
        refusals.put("/internal/migration/state?user=alice&bookmark=" + id + "&idemKey=k", "idemKey");
        refusals.put("/internal/migration/state?user=alice&bookmark=1-2-3-4-5", "bookmark");

        refusals.forEach((call, field) -> assertProblem(target.get(call), 400, field));
    }

    @Test
    void aSlotOutOfRangeIsRefusedNamingTheRange() {
        HttpResponse<String> response = target.get("/internal/migration/slots/1024/bookmarks");

        assertProblem(response, 400, "slots");
        assertThat(detail(response)).contains("[0, 1023]");
    }

    /** One signed call of each kind, with valid parameters. */
    private List<String> calls() {
        return List.of("/internal/migration/position", "/internal/migration/slots/7/bookmarks?limit=1",
                "/internal/migration/slots/7/idempotency?limit=1", "/internal/migration/log?after=0&slots=7",
                "/internal/migration/state?user=alice&bookmark=" + UUID.randomUUID(),
                "/internal/migration/state?user=alice&idemKey=k");
    }

    /** Creates a bookmark through the public API as a gateway would; returns its id. */
    private String create(String user, String url, List<String> tags) {
        return create(user, url, tags, null);
    }

    private String create(String user, String url, List<String> tags, String idempotencyKey) {
        String body = JSON.writeValueAsString(Map.of("url", url, "tags", tags));
        HttpResponse<String> created = gateway.send("POST", "/api/users/" + user + "/bookmarks", user, body,
                idempotencyKey == null ? Map.of() : Map.of("Idempotency-Key", idempotencyKey));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return JSON.readTree(created.body()).get("id").asString();
    }

    /** What a claim leaves while its request runs: the key's record, in progress. */
    private void inProgress(String user, String key) {
        jdbc.sql("""
                        INSERT INTO idempotency_keys (user_id, idem_key, fingerprint, state, lock_token, locked_at,
                            stored_at)
                        VALUES (:user, :key, 'f', 'IN_PROGRESS', :token, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)""")
                .param("user", user).param("key", key).param("token", UUID.randomUUID()).update();
    }

    /** {@link #FIRST} with every slot but {@code still} copying to {@link #TARGET}. */
    private static Ring everySlotCopyingToTheTargetBut(int still) {
        MovePlan plan = FIRST.plan(List.of(FIRST.shard(SHARD_ID).orElseThrow().withState(ShardState.DRAINING),
                Shard.active(TARGET, "http://127.0.0.1:9002", 1)));
        return FIRST.startMigration(plan, IntStream.range(0, FIRST.slotCount()).filter(s -> s != still).toArray());
    }

    /** {@code count} users that share one slot, the slot of {@code hint}'s first candidate. */
    private static List<String> usersInOneSlot(String hint, int count) {
        int slot = slotOf(hint + "-0");
        List<String> users = new ArrayList<>();
        for (int i = 0; users.size() < count; i++) {
            if (slotOf(hint + "-" + i) == slot) {
                users.add(hint + "-" + i);
            }
        }
        return users;
    }

    private static List<String> usersOutside(int slot, String hint, int count) {
        List<String> users = new ArrayList<>();
        for (int i = 0; users.size() < count; i++) {
            if (slotOf(hint + "-" + i) != slot) {
                users.add(hint + "-" + i);
            }
        }
        return users;
    }

    private static String userInSlot(int slot) {
        for (int i = 0; ; i++) {
            if (slotOf("in-slot-" + i) == slot) {
                return "in-slot-" + i;
            }
        }
    }

    private static int slotOf(String user) {
        return SlotHash.slotOf(user, RING.slotCount());
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static JsonNode ok(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        return JSON.readTree(response.body());
    }

    /** A problem with {@code status} whose errors name {@code field} (when not null). */
    private static void assertProblem(HttpResponse<String> response, int status, String field) {
        assertThat(response.statusCode()).as(response.uri() + " " + response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        if (field != null) {
            assertThat(JSON.readTree(response.body()).get("errors").get(0).get("field").asString())
                    .as(response.uri().toString()).isEqualTo(field);
        }
    }

    private static String detail(HttpResponse<String> response) {
        return JSON.readTree(response.body()).get("detail").asString();
    }
}
