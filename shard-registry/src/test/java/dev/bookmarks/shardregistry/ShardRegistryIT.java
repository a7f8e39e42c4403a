package dev.bookmarks.shardregistry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bookmarks.registry.Heartbeats;
import dev.bookmarks.registry.RingSigner;
import dev.bookmarks.ring.Ring;
import dev.bookmarks.ring.Shard;
import dev.bookmarks.testing.redis.RealRedisExtension;
import dev.bookmarks.testing.redis.TestRingKeys;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "management.server.port=0",
        "bookmarks.registry.poll-interval=200ms",
        // Long enough that a beat is still alive whenever the test looks, however slow the machine.
        "bookmarks.registry.heartbeat-ttl=5m",
        "bookmarks.registry.admin.users[0].name=admin",
        "bookmarks.registry.admin.users[0].password={noop}admin-secret",
        "bookmarks.registry.admin.users[0].roles=ADMIN",
        "bookmarks.registry.admin.users[1].name=viewer",
        "bookmarks.registry.admin.users[1].password={noop}viewer-secret",
        "bookmarks.registry.admin.users[1].roles=VIEWER",
        "bookmarks.registry.bootstrap.shards[0].id=s-1",
        "bookmarks.registry.bootstrap.shards[0].url=http://127.0.0.1:9001",
        "bookmarks.registry.bootstrap.shards[1].id=s-2",
        "bookmarks.registry.bootstrap.shards[1].url=http://127.0.0.1:9002",
        "bookmarks.registry.bootstrap.shards[2].id=s-3",
        "bookmarks.registry.bootstrap.shards[2].url=http://127.0.0.1:9003"})
// {noop} passwords, as the local stack uses them: allowed under the local profile only.
@ActiveProfiles("local")
class ShardRegistryIT {

    @RegisterExtension
    static final RealRedisExtension redis = new RealRedisExtension();

    @DynamicPropertySource
    static void redis(DynamicPropertyRegistry registry) {
        registry.add("spring.data.redis.url", () -> redis.get().url());
    }

    @LocalManagementPort
    int managementPort;

    @LocalServerPort
    int serverPort;

    @Autowired
    Heartbeats heartbeats;

    @Autowired
    RedisConnectionFactory connections;

    private AdminClient admin;
    private AdminClient viewer;

    @BeforeEach
    void clients() {
        admin = AdminClient.as(managementPort, "admin", "admin-secret");
        viewer = AdminClient.as(managementPort, "viewer", "viewer-secret");
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
                .until(() -> viewer.get("/actuator/ring").status() == 200);
    }

    @Test
    void bootstrapsTheConfiguredRingAndShowsEachShardsShareAndLiveness() {
        long beforeBeat = System.nanoTime();
        heartbeats.beat("s-1", URI.create("http://127.0.0.1:9001"), Instant.parse("2026-01-01T00:00:00Z"));

        JsonNode ring = viewer.get("/actuator/ring").json();
        long sinceBeatMillis = Duration.ofNanos(System.nanoTime() - beforeBeat).toMillis();

        assertThat(ring.get("slotCount").asInt()).isEqualTo(16384);
        List<String> ids = new ArrayList<>();
        int slots = 0;
        for (JsonNode shard : ring.get("shards")) {
            ids.add(shard.get("id").asString());
            slots += shard.get("slotsOwned").asInt();
            assertThat(shard.get("share").asDouble()).isBetween(0.2, 0.4);
            assertThat(shard.get("weight").asInt()).isPositive();
            assertThat(shard.get("state").asString()).isEqualTo("ACTIVE");
        }
        assertThat(ids).contains("s-1", "s-2", "s-3");
        assertThat(slots).isEqualTo(16384);
        JsonNode first = shard(ring, "s-1");
        assertThat(first.get("alive").asBoolean()).isTrue();
        long age = first.get("heartbeatAgeMillis").asLong();
        System.out.printf("[ShardRegistryIT] heartbeat age %d ms, read %d ms after the beat began%n", age, sinceBeatMillis);
        // The time between the beat and the read, by Redis's clock: no more than the test measured
        // around both (plus 100 ms for clock granularity), and never beyond the TTL, when the key is gone.
        assertThat(age).isBetween(0L, Math.min(sinceBeatMillis + 100, heartbeats.ttl().toMillis()));
        assertThat(first.get("startedAt").asString()).isEqualTo("2026-01-01T00:00:00Z");
        assertThat(shard(ring, "s-2").get("alive").asBoolean()).isFalse();
    }

    @Test
    void signsTheRingsItWritesAndBuildsNoChangeOnARingWithAForgedSignature() {
        byte[] genuine = redisGet("bookmarks:ring");
        byte[] signature = redisGet("bookmarks:ring:signature");
        assertThat(new String(signature, StandardCharsets.US_ASCII))
                .startsWith("ed25519 " + RingSigner.parse(TestRingKeys.PRIVATE_KEY).keyId() + " ");
        try {
            redisSet("bookmarks:ring:signature", "ed25519 0000000000000000 AAAA".getBytes(StandardCharsets.US_ASCII));

            AdminClient.Reply refused = admin.post("/actuator/shards/s-evil",
                    "{\"url\":\"http://203.0.113.66:8080\",\"force\":true}");

            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.text()).contains("Ring not trusted").contains("not among the trusted keys");
            assertThat(redisGet("bookmarks:ring")).isEqualTo(genuine);
        } finally {
            redisSet("bookmarks:ring:signature", signature);
        }
    }

    @Test
    void restoresTheLastTrustedRingOverAForgedHigherEpochOnAnAdminsRequest() {
        JsonNode before = viewer.get("/actuator/ring").json();
        long held = before.get("epoch").asLong();
        Ring forged = Ring.create(16384, List.of(Shard.active("s-1", "http://203.0.113.66:8080", 1))).withEpoch(held + 5);
        redisSet("bookmarks:ring", forged.toBytes());
        redisSet("bookmarks:ring:epoch", Long.toString(held + 5).getBytes(StandardCharsets.US_ASCII));
        redisSet("bookmarks:ring:signature", "ed25519 0000000000000000 AAAA".getBytes(StandardCharsets.US_ASCII));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() ->
                viewer.get("/actuator/ring").json().path("error").asString("").contains("refused"));

        assertThat(viewer.post("/actuator/ringrestore", "{}").status()).isEqualTo(403);
        AdminClient.Reply restored = admin.post("/actuator/ringrestore", "{}");

        assertThat(restored.status()).as(restored.text()).isEqualTo(200);
        assertThat(restored.json().get("epoch").asLong()).isEqualTo(held + 6);
        Ring inRedis = Ring.fromBytes(redisGet("bookmarks:ring"));
        assertThat(inRedis.epoch()).isEqualTo(held + 6);
        assertThat(inRedis.shards().stream().map(Shard::url).map(URI::toString).toList())
                .doesNotContain("http://203.0.113.66:8080");
        assertThat(inRedis.shards()).hasSize(before.get("shards").size());
        assertThat(new String(redisGet("bookmarks:ring:signature"), StandardCharsets.US_ASCII))
                .startsWith("ed25519 " + RingSigner.parse(TestRingKeys.PRIVATE_KEY).keyId() + " ");
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
            JsonNode now = viewer.get("/actuator/ring").json();
            JsonNode error = now.path("error");
            return now.get("epoch").asLong() == held + 6 && (error.isNull() || error.isMissingNode());
        });

        AdminClient.Reply nothingToDo = admin.post("/actuator/ringrestore", "{}");
        assertThat(nothingToDo.status()).isEqualTo(409);
        assertThat(nothingToDo.text()).contains("nothing to restore");
    }

    @Test
    void routesAUserToTheOwnerOfItsSlot() {
        JsonNode route = viewer.get("/actuator/route/alice").json();

        assertThat(route.get("slot").asInt()).isEqualTo(8265);
        assertThat(route.get("epoch").asLong()).isEqualTo(viewer.epoch());
        JsonNode owner = shard(viewer.get("/actuator/ring").json(), route.get("shardId").asString());
        assertThat(owner.get("url").asString()).isEqualTo(route.get("url").asString());
    }

    @Test
    void answersAnInvalidUserIdWithAProblem() {
        AdminClient.Reply reply = viewer.get("/actuator/route/al%20ice");

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.isProblem()).isTrue();
        assertThat(reply.json().get("detail").asString()).contains("[A-Za-z0-9._-]{1,64}");
    }

    @Test
    void refusesAnonymousCallersWith401AndNonAdminsWith403() {
        long epoch = admin.epoch();

        AdminClient.Reply anonymous = AdminClient.anonymous(managementPort).get("/actuator/ring");
        AdminClient.Reply wrongPassword = AdminClient.as(managementPort, "admin", "nope").get("/actuator/ring");
        AdminClient.Reply anonymousWrite = AdminClient.anonymous(managementPort)
                .post("/actuator/shards/s-9", "{\"url\":\"http://127.0.0.1:9009\",\"force\":true}");
        AdminClient.Reply viewerWrite = viewer.post("/actuator/shards/s-9", "{\"url\":\"http://127.0.0.1:9009\",\"force\":true}");
        AdminClient.Reply viewerDelete = viewer.delete("/actuator/shards/s-1?force=true");

        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.isProblem()).isTrue();
        assertThat(anonymous.wwwAuthenticate()).startsWith("Basic");
        assertThat(wrongPassword.status()).isEqualTo(401);
        assertThat(anonymousWrite.status()).isEqualTo(401);
        assertThat(viewerWrite.status()).isEqualTo(403);
        assertThat(viewerWrite.isProblem()).isTrue();
        assertThat(viewerDelete.status()).isEqualTo(403);
        assertThat(admin.epoch()).isEqualTo(epoch);
        assertThat(admin.get("/actuator/ring").json().toString()).doesNotContain("s-9");
    }

    @Test
    void refusesAChangeThatMovesSlotsUnlessForcedAndSaysHowMany() {
        long epoch = admin.epoch();
        int shards = admin.get("/actuator/ring").json().get("shards").size();
        int expectedMoves = 16384 / (shards + 1);

        AdminClient.Reply refused = admin.post("/actuator/shards/s-new", "{\"url\":\"http://127.0.0.1:9100\"}");

        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.isProblem()).isTrue();
        assertThat(refused.json().get("detail").asString()).contains("would move").contains("force");
        assertThat(admin.epoch()).isEqualTo(epoch);

        AdminClient.Reply forced = admin.post("/actuator/shards/s-new",
                "{\"url\":\"http://127.0.0.1:9100\",\"force\":true,\"expectedEpoch\":" + epoch + "}");

        assertThat(forced.status()).isEqualTo(201);
        assertThat(forced.json().get("epoch").asLong()).isEqualTo(epoch + 1);
        assertThat(forced.json().get("movedSlots").asInt()).isBetween(expectedMoves - 1, expectedMoves + 1);
        assertThat(shard(admin.get("/actuator/ring").json(), "s-new").get("slotsOwned").asInt())
                .isEqualTo(forced.json().get("movedSlots").asInt());
        assertThat(admin.epoch()).isEqualTo(epoch + 1);
    }

    @Test
    void changesAnAddressWithoutMovingSlotsOrNeedingForce() {
        long epoch = admin.epoch();

        AdminClient.Reply moved = admin.post("/actuator/shards/s-2", "{\"url\":\"http://127.0.0.2:9002\"}");

        assertThat(moved.status()).isEqualTo(200);
        assertThat(moved.json().get("movedSlots").asInt()).isZero();
        assertThat(moved.json().get("epoch").asLong()).isEqualTo(epoch + 1);
        assertThat(shard(admin.get("/actuator/ring").json(), "s-2").get("url").asString())
                .isEqualTo("http://127.0.0.2:9002");
    }

    @Test
    void refusesAStaleExpectedEpochWith409() {
        long epoch = admin.epoch();

        AdminClient.Reply stale = admin.post("/actuator/shards/s-3",
                "{\"url\":\"http://127.0.0.3:9003\",\"expectedEpoch\":" + (epoch - 1) + "}");

        assertThat(stale.status()).isEqualTo(409);
        assertThat(stale.isProblem()).isTrue();
        assertThat(stale.json().get("detail").asString()).contains("epoch " + epoch);
        assertThat(admin.epoch()).isEqualTo(epoch);
    }

    static Stream<Arguments> badChanges() {
        return Stream.of(
                Arguments.of("POST", "/actuator/shards/s-1", "{\"weight\":0}", 400),
                Arguments.of("POST", "/actuator/shards/s-1", "{\"weight\":10001}", 400),
                Arguments.of("POST", "/actuator/shards/s-1", "{\"weight\":\"heavy\"}", 400),
                Arguments.of("POST", "/actuator/shards/s-1", "{\"url\":\"ftp://127.0.0.1/\"}", 400),
                Arguments.of("POST", "/actuator/shards/s-1", "{\"url\":\"http://bad host/\"}", 400),
                Arguments.of("POST", "/actuator/shards/s-1", "{\"url\":\"javascript:alert(1)\"}", 400),
                Arguments.of("POST", "/actuator/shards/Bad_Id", "{\"url\":\"http://127.0.0.1:1\",\"force\":true}", 400),
                Arguments.of("POST", "/actuator/shards/s-77", "{\"weight\":2,\"force\":true}", 400),
                Arguments.of("POST", "/actuator/shards/s-1", "{\"expectedEpoch\":\"latest\"}", 400),
                Arguments.of("POST", "/actuator/shards/s-1", "not json", 400),
                Arguments.of("DELETE", "/actuator/shards/s-404?force=true", null, 404),
                Arguments.of("DELETE", "/actuator/shards/s-1?expectedEpoch=x", null, 400));
    }

    @ParameterizedTest(name = "{0} {1} {2} -> {3}")
    @MethodSource("badChanges")
    void refusesBadInputWithAProblemAndChangesNothing(String method, String path, String body, int status) {
        List<String> before = directory(admin.get("/actuator/ring").json());
        long epoch = admin.epoch();

        AdminClient.Reply reply = method.equals("POST") ? admin.post(path, body) : admin.delete(path);

        assertThat(reply.status()).as(reply.text()).isEqualTo(status);
        assertThat(reply.isProblem()).as(reply.contentType()).isTrue();
        assertThat(admin.epoch()).isEqualTo(epoch);
        assertThat(directory(admin.get("/actuator/ring").json())).isEqualTo(before);
    }

    @Test
    void removesAShardOnlyWithForceAndNeverTheLastActiveOne() {
        admin.post("/actuator/shards/s-gone", "{\"url\":\"http://127.0.0.1:9200\",\"force\":true}");
        long epoch = admin.epoch();

        assertThat(admin.delete("/actuator/shards/s-gone").status()).isEqualTo(409);
        AdminClient.Reply removed = admin.delete("/actuator/shards/s-gone?force=true&expectedEpoch=" + epoch);

        assertThat(removed.status()).isEqualTo(200);
        assertThat(removed.json().get("epoch").asLong()).isEqualTo(epoch + 1);
        assertThat(admin.get("/actuator/ring").json().toString()).doesNotContain("s-gone");
    }

    @Test
    void answersProbesWithoutCredentialsAndScrapesOnlyToAViewerOrAnAdmin() {
        AdminClient anonymous = AdminClient.anonymous(managementPort);

        assertThat(anonymous.get("/actuator/health").status()).isEqualTo(200);
        assertThat(anonymous.get("/actuator/health/liveness").status()).isEqualTo(200);
        assertThat(anonymous.get("/actuator/health/readiness").status()).isEqualTo(200);
        assertThat(anonymous.get("/actuator/prometheus").status()).isEqualTo(401);
        for (AdminClient scraper : List.of(viewer, admin)) {
            AdminClient.Reply metrics = scraper.get("/actuator/prometheus");
            assertThat(metrics.status()).isEqualTo(200);
            assertThat(metrics.text()).contains("bookmarks_ring_epoch ").contains("bookmarks_ring_shards ")
                    .contains("bookmarks_ring_slots_min").contains("bookmarks_ring_slots_max")
                    .contains("bookmarks_ring_last_change_seconds");
        }
        assertThat(admin.get("/actuator/health").json().get("components").get("ring").get("status").asString())
                .isEqualTo("UP");
    }

    @Test
    void servesNoAdminEndpointOnThePublicPort() {
        AdminClient publicPort = AdminClient.as(serverPort, "admin", "admin-secret");

        assertThat(publicPort.get("/actuator/ring").status()).isNotEqualTo(200);
        assertThat(publicPort.post("/actuator/shards/s-x", "{\"url\":\"http://127.0.0.1:1\",\"force\":true}").status())
                .isNotIn(200, 201);
        assertThat(admin.get("/actuator/ring").json().toString()).doesNotContain("s-x");
    }

    /** The directory and slot counts, without liveness, which changes by itself. */
    private static List<String> directory(JsonNode ring) {
        List<String> entries = new ArrayList<>();
        for (JsonNode shard : ring.get("shards")) {
            entries.add(shard.get("id").asString() + " " + shard.get("url").asString() + " "
                    + shard.get("weight").asInt() + " " + shard.get("state").asString() + " "
                    + shard.get("slotsOwned").asInt());
        }
        return entries;
    }

    private static JsonNode shard(JsonNode ring, String id) {
        for (JsonNode shard : ring.get("shards")) {
            if (shard.get("id").asString().equals(id)) {
                return shard;
            }
        }
        throw new AssertionError("no shard " + id + " in " + ring);
    }

    private byte[] redisGet(String key) {
        try (RedisConnection connection = connections.getConnection()) {
            return connection.stringCommands().get(key.getBytes(StandardCharsets.UTF_8));
        }
    }

    private void redisSet(String key, byte[] value) {
        try (RedisConnection connection = connections.getConnection()) {
            connection.stringCommands().set(key.getBytes(StandardCharsets.UTF_8), value);
        }
    }
}
