package dev.bookmarks.shardregistry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bookmarks.registry.RedisKeys;
import dev.bookmarks.registry.RingStore;
import dev.bookmarks.registry.SlotRows;
import dev.bookmarks.ring.MovePlan;
import dev.bookmarks.ring.Ring;
import dev.bookmarks.ring.Shard;
import dev.bookmarks.testing.redis.RealRedisExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * {@code /actuator/migrations} on a running registry: a plan without a start changes nothing; a start runs the
 * driver, which begins the first batch; while it runs, {@code /actuator/shards} and a second start are refused;
 * an abort returns the batch to its source and stops it; reading is a VIEWER's, steering an ADMIN's, and bad
 * requests are 400 problems that name what is wrong. No shard runs here, so no batch gets past its copy.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "management.server.port=0",
        "bookmarks.registry.poll-interval=200ms",
        "bookmarks.registry.resharding.tick=50ms",
        "bookmarks.registry.admin.users[0].name=admin",
        "bookmarks.registry.admin.users[0].password={noop}admin-secret",
        "bookmarks.registry.admin.users[0].roles=ADMIN",
        "bookmarks.registry.admin.users[1].name=viewer",
        "bookmarks.registry.admin.users[1].password={noop}viewer-secret",
        "bookmarks.registry.admin.users[1].roles=VIEWER",
        "bookmarks.registry.bootstrap.shards[0].id=s-1",
        "bookmarks.registry.bootstrap.shards[0].url=http://127.0.0.1:9001",
        "bookmarks.registry.bootstrap.shards[1].id=s-2",
        "bookmarks.registry.bootstrap.shards[1].url=http://127.0.0.1:9002"})
@ActiveProfiles("local")
class MigrationsEndpointIT {

    @RegisterExtension
    static final RealRedisExtension redis = new RealRedisExtension();

    @DynamicPropertySource
    static void redis(DynamicPropertyRegistry registry) {
        registry.add("spring.data.redis.url", () -> redis.get().url());
    }

    @LocalManagementPort
    int managementPort;

    @Autowired
    RingStore ring;

    @Autowired
    RedisConnectionFactory connections;

    @Autowired
    RedisKeys keys;

    AdminClient admin;
    AdminClient viewer;

    @BeforeEach
    void clients() {
        admin = AdminClient.as(managementPort, "admin", "admin-secret");
        viewer = AdminClient.as(managementPort, "viewer", "viewer-secret");
        await().atMost(Duration.ofSeconds(30)).until(() -> viewer.get("/actuator/ring").status() == 200);
    }

    @Test
    void aPlanSaysWhatMovesAndStartingRunsItUntilAnAbortReturnsTheBatch() {
        long epoch = ring.read().orElseThrow().epoch();

        AdminClient.Reply plan = admin.post("/actuator/migrations/s-3",
                "{\"url\":\"http://127.0.0.1:9003\",\"batchSlots\":128}");
        long unchanged = ring.read().orElseThrow().epoch();
        AdminClient.Reply started = admin.post("/actuator/migrations/s-3",
                "{\"url\":\"http://127.0.0.1:9003\",\"batchSlots\":128,\"start\":true}");
        await().atMost(Duration.ofSeconds(30)).until(() -> ring.read().orElseThrow().isMigrating());
        Ring copying = ring.read().orElseThrow();
        JsonNode view = viewer.get("/actuator/migrations").json();
        String scraped = viewer.get("/actuator/prometheus").text();
        AdminClient.Reply second = admin.post("/actuator/migrations/s-3", "{\"weight\":2,\"start\":true}");
        AdminClient.Reply direct = admin.post("/actuator/shards/s-2", "{\"weight\":3}");
        AdminClient.Reply abort = admin.post("/actuator/migrations", "{\"action\":\"abort\"}");
        await().atMost(Duration.ofSeconds(30)).until(() -> viewer.get("/actuator/migrations").json()
                .path("progress").path("status").asString("").equals("STOPPED"));
        Ring after = ring.read().orElseThrow();

        assertThat(plan.status()).as(plan.text()).isEqualTo(200);
        int moved = plan.json().get("movedSlots").asInt();
        assertThat(moved).isBetween(16384 / 3 - 64, 16384 / 3 + 64);
        assertThat(plan.json().get("moves")).hasSize(2);
        assertThat(plan.json().get("batches").asInt()).isGreaterThanOrEqualTo(moved / 128);
        assertThat(plan.json().get("started").asBoolean()).isFalse();
        assertThat(unchanged).as("a plan changes nothing").isEqualTo(epoch);
        assertThat(started.status()).as(started.text()).isEqualTo(202);
        assertThat(copying.migratingSlots()).hasSize(128);
        assertThat(copying.shard("s-3")).isPresent();
        assertThat(view.get("progress").get("status").asString()).isEqualTo("RUNNING");
        assertThat(view.get("inFlight").get("count").asInt()).isEqualTo(128);
        assertThat(view.get("inFlight").get("phase").asString()).isEqualTo("COPYING");
        assertThat(view.get("inFlight").get("target").asString()).isEqualTo("s-3");
        assertThat(view.get("remainingSlots").asInt()).as("the batch in flight included").isEqualTo(moved);
        assertThat(view.get("totalSlots").asInt()).isEqualTo(moved);
        assertThat(view.get("etaSeconds").isNull()).as("no batch cut over yet, no pace to go by").isTrue();
        assertThat(scraped).contains("bookmarks_resharding_running 1.0", "bookmarks_resharding_batch_slots 128.0",
                "bookmarks_resharding_slots_remaining " + moved + ".0", "bookmarks_resharding_write_pause_seconds");
        assertThat(second.status()).isEqualTo(409);
        assertThat(second.title()).isEqualTo("Resharding running");
        assertThat(direct.status()).isEqualTo(409);
        assertThat(direct.title()).isEqualTo("Resharding running");
        assertThat(abort.status()).as(abort.text()).isEqualTo(200);
        assertThat(after.isMigrating()).isFalse();
        assertThat(after.slotsOwnedBy("s-3")).isZero();
        assertThat(viewer.get("/actuator/migrations").json().get("progress").get("reason").asString())
                .isEqualTo("aborted by an operator");
    }

    @Test
    void aPlanSaysHowManyRowsMoveByTheSourcesLatestCountsOrWhoseCountIsMissing() {
        SlotRows rows = new SlotRows(connections, keys, Duration.ofMinutes(1));
        Instant counted = Instant.parse("2026-12-04T10:00:00Z");
        int[] s1 = new int[16384];
        int[] s2 = new int[16384];
        Ring now = ring.read().orElseThrow();
        for (int slot = 0; slot < 16384; slot++) {
            // Each slot's rows on its owner only: 2 per slot on s-1, slot % 5 on s-2.
            if (now.ownerOfSlot(slot).id().equals("s-1")) {
                s1[slot] = 2;
            } else {
                s2[slot] = slot % 5;
            }
        }
        rows.write("s-1", new SlotRows.Counts(s1, counted));
        rows.write("s-2", new SlotRows.Counts(s2, counted.plusSeconds(30)));
        MovePlan expected = now.plan(List.of(now.shard("s-1").orElseThrow(), now.shard("s-2").orElseThrow(),
                Shard.active("s-3", "http://127.0.0.1:9003", 1)));
        long fromS1 = 2L * expected.moves().stream().filter(m -> m.from().equals("s-1")).count();
        long fromS2 = expected.moves().stream().filter(m -> m.from().equals("s-2")).mapToLong(m -> m.slot() % 5).sum();

        JsonNode known = admin.post("/actuator/migrations/s-3", "{\"url\":\"http://127.0.0.1:9003\"}").json();
        rows.write("s-2", new SlotRows.Counts(new int[1024], counted));
        JsonNode otherSlotCount = admin.post("/actuator/migrations/s-3", "{\"url\":\"http://127.0.0.1:9003\"}").json();
        new StringRedisTemplate(connections).delete(keys.slotRows("s-2"));
        JsonNode missing = admin.post("/actuator/migrations/s-3", "{\"url\":\"http://127.0.0.1:9003\"}").json();

        assertThat(known.get("rowsToCopy").asLong()).isEqualTo(fromS1 + fromS2);
        assertThat(known.get("rowsUnknownFrom")).isEmpty();
        assertThat(known.get("rowsCountedAt").asString()).isEqualTo(counted.toString());
        assertThat(rowsByMove(known)).containsEntry("s-1", fromS1).containsEntry("s-2", fromS2);
        assertThat(otherSlotCount.get("rowsToCopy").isNull()).as("a count for another slot count is none").isTrue();
        assertThat(otherSlotCount.get("rowsUnknownFrom").get(0).asString()).isEqualTo("s-2");
        assertThat(missing.get("rowsToCopy").isNull()).isTrue();
        assertThat(missing.get("rowsUnknownFrom")).hasSize(1);
        assertThat(missing.get("rowsUnknownFrom").get(0).asString()).isEqualTo("s-2");
        assertThat(rowsByMove(missing)).containsEntry("s-1", fromS1).containsEntry("s-2", null);
    }

    private static Map<String, Long> rowsByMove(JsonNode plan) {
        Map<String, Long> rows = new HashMap<>();
        plan.get("moves").forEach(move -> rows.put(move.get("from").asString(),
                move.get("rows").isNull() ? null : move.get("rows").asLong()));
        return rows;
    }

    @Test
    void steeringIsAnAdminsAndBadRequestsAre400sThatSayWhy() {
        AdminClient.Reply byViewer = viewer.post("/actuator/migrations/s-3", "{\"url\":\"http://127.0.0.1:9003\"}");
        AdminClient.Reply unknown = admin.post("/actuator/migrations/s-9", "{\"weight\":2}");
        AdminClient.Reply nothing = admin.post("/actuator/migrations/s-1", "{}");
        AdminClient.Reply badWeight = admin.post("/actuator/migrations/s-1", "{\"weight\":0}");
        AdminClient.Reply badBatch = admin.post("/actuator/migrations/s-1", "{\"weight\":2,\"batchSlots\":0}");
        AdminClient.Reply noneRunning = admin.post("/actuator/migrations", "{\"action\":\"pause\"}");

        assertThat(byViewer.status()).isEqualTo(403);
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.json().get("detail").asString()).contains("needs a url");
        assertThat(nothing.status()).isEqualTo(400);
        assertThat(nothing.title()).isEqualTo("Nothing to change");
        assertThat(badWeight.status()).isEqualTo(400);
        assertThat(badBatch.status()).isEqualTo(400);
        assertThat(badBatch.json().get("detail").asString()).contains("batchSlots must be in [1, 4096]: 0");
        assertThat(noneRunning.status()).isEqualTo(409);
        assertThat(badWeight.isProblem()).isTrue();
    }
}
