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
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
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
@ExtendWith(OutputCaptureExtension.class)
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

            AdminClient.Reply refused = admin.post("/actuator/shards/s-evil", "{\"url\":\"http://203.0.113.66:8080\","
                    + "\"discardMovedData\":true,\"confirmMovedSlots\":4096}");

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
        String consenting = "{\"url\":\"http://127.0.0.1:9009\",\"discardMovedData\":true,\"confirmMovedSlots\":4096}";
        AdminClient.Reply anonymousWrite =
                AdminClient.anonymous(managementPort).post("/actuator/shards/s-9", consenting);
        AdminClient.Reply viewerWrite = viewer.post("/actuator/shards/s-9", consenting);
        AdminClient.Reply viewerDelete =
                viewer.delete("/actuator/shards/s-1?discardMovedData=true&confirmMovedSlots=4096");

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
    void refusesAChangeThatMovesSlotsWith409CarryingTheMovesAndTheEpochTheyWereComputedOn() {
        long epoch = admin.epoch();
        List<String> before = directory(admin.get("/actuator/ring").json());
        List<String> existing = ids(admin.get("/actuator/ring").json());
        int expectedMoves = 16384 / (existing.size() + 1);

        AdminClient.Reply refused = admin.post("/actuator/shards/s-planned", "{\"url\":\"http://127.0.0.1:9101\"}");

        assertThat(refused.status()).as(refused.text()).isEqualTo(409);
        assertThat(refused.isProblem()).isTrue();
        assertThat(refused.title()).isEqualTo("Change moves slots");
        JsonNode problem = refused.json();
        int movedSlots = problem.get("movedSlots").asInt();
        assertThat(movedSlots).isBetween(expectedMoves - 1, expectedMoves + 1);
        assertThat(problem.get("epoch").asLong()).isEqualTo(epoch);
        int sum = 0;
        for (JsonNode move : problem.get("moves")) {
            assertThat(move.get("from").asString()).isIn(existing);
            assertThat(move.get("to").asString()).isEqualTo("s-planned");
            assertThat(move.get("slots").asInt()).isPositive();
            sum += move.get("slots").asInt();
        }
        assertThat(problem.get("moves")).hasSize(existing.size());
        assertThat(sum).as("the moves add up to movedSlots").isEqualTo(movedSlots);
        assertThat(problem.get("detail").asString())
                .contains("would move " + movedSlots + " of 16384 slots")
                .contains("would stay on their old owners").contains("lost to those users")
                .contains("Online resharding").contains("/actuator/migrations/{shardId}")
                .contains("\"discardMovedData\": true").contains("\"confirmMovedSlots\": " + movedSlots)
                .doesNotContain("force");
        assertThat(admin.epoch()).isEqualTo(epoch);
        assertThat(directory(admin.get("/actuator/ring").json())).isEqualTo(before);
    }

    @Test
    void appliesAChangeThatMovesSlotsWhenTheRequestDiscardsTheirDataAndConfirmsTheirExactNumber(
            CapturedOutput output) {
        long epoch = admin.epoch();
        AdminClient.Reply plan = admin.post("/actuator/shards/s-new", "{\"url\":\"http://127.0.0.1:9100\"}");
        int movedSlots = plan.json().get("movedSlots").asInt();

        AdminClient.Reply applied = admin.post("/actuator/shards/s-new", "{\"url\":\"http://127.0.0.1:9100\","
                + "\"discardMovedData\":true,\"confirmMovedSlots\":" + movedSlots + "}");

        try {
            assertThat(applied.status()).as(applied.text()).isEqualTo(201);
            assertThat(applied.json().get("epoch").asLong()).isEqualTo(epoch + 1);
            assertThat(applied.json().get("movedSlots").asInt()).isEqualTo(movedSlots);
            assertThat(shard(admin.get("/actuator/ring").json(), "s-new").get("slotsOwned").asInt())
                    .isEqualTo(movedSlots);
            assertThat(admin.epoch()).isEqualTo(epoch + 1);
            assertThat(output.getOut()).containsPattern("WARN .*Ring epoch " + epoch + " -> " + (epoch + 1)
                    + ": set s-new, " + movedSlots + " of 16384 slots moved WITHOUT their bookmarks");
        } finally {
            remove("s-new");
        }
    }

    @Test
    void refusesAConfirmationOfAnotherNumberOfSlotsWith409AndChangesNothing() {
        long epoch = admin.epoch();
        List<String> before = directory(admin.get("/actuator/ring").json());
        int movedSlots = admin.post("/actuator/shards/s-typo", "{\"url\":\"http://127.0.0.1:9102\"}")
                .json().get("movedSlots").asInt();

        for (int wrong : List.of(movedSlots - 1, movedSlots + 1, 16384)) {
            AdminClient.Reply refused = admin.post("/actuator/shards/s-typo", "{\"url\":\"http://127.0.0.1:9102\","
                    + "\"discardMovedData\":true,\"confirmMovedSlots\":" + wrong + "}");

            assertThat(refused.status()).as(refused.text()).isEqualTo(409);
            assertThat(refused.isProblem()).isTrue();
            assertThat(refused.title()).isEqualTo("Moved slots not as confirmed");
            assertThat(refused.json().get("movedSlots").asInt()).isEqualTo(movedSlots);
            assertThat(refused.json().get("epoch").asLong()).isEqualTo(epoch);
            assertThat(refused.json().get("moves")).isNotEmpty();
            assertThat(refused.json().get("detail").asString()).contains("confirmMovedSlots is " + wrong)
                    .contains("moves " + movedSlots + " of 16384 slots").contains("Nothing was changed");
        }
        assertThat(admin.epoch()).isEqualTo(epoch);
        assertThat(directory(admin.get("/actuator/ring").json())).isEqualTo(before);
    }

    @Test
    void refusesAConfirmationForAChangeThatMovesNoSlotWith409SinceTheOperatorsPictureOfTheRingIsWrong() {
        long epoch = admin.epoch();
        String url = shard(admin.get("/actuator/ring").json(), "s-3").get("url").asString();

        AdminClient.Reply refused = admin.post("/actuator/shards/s-3", "{\"url\":\"http://127.0.0.3:9013\","
                + "\"discardMovedData\":true,\"confirmMovedSlots\":1}");

        assertThat(refused.status()).as(refused.text()).isEqualTo(409);
        assertThat(refused.title()).isEqualTo("Moved slots not as confirmed");
        assertThat(refused.json().get("movedSlots").asInt()).isZero();
        assertThat(refused.json().get("moves")).isEmpty();
        assertThat(refused.json().get("detail").asString()).contains("moves no slot")
                .contains("needs neither discardMovedData nor confirmMovedSlots");
        assertThat(admin.epoch()).isEqualTo(epoch);
        assertThat(shard(admin.get("/actuator/ring").json(), "s-3").get("url").asString()).isEqualTo(url);
    }

    @Test
    void refusesAConfirmationOutsideOneToTheSlotCountOrWithoutItsFlagWith400NamingTheRange() {
        long epoch = admin.epoch();
        for (String confirm : List.of("0", "-1", "16385", "99999999999")) {
            AdminClient.Reply refused = admin.post("/actuator/shards/s-range", "{\"url\":\"http://127.0.0.1:9103\","
                    + "\"discardMovedData\":true,\"confirmMovedSlots\":" + confirm + "}");

            assertThat(refused.status()).as(refused.text()).isEqualTo(400);
            assertThat(refused.isProblem()).isTrue();
            assertThat(refused.json().get("detail").asString())
                    .isEqualTo("confirmMovedSlots must be in [1, 16384], the number of slots the change moves: "
                            + confirm);
        }
        AdminClient.Reply flagOnly = admin.post("/actuator/shards/s-range",
                "{\"url\":\"http://127.0.0.1:9103\",\"discardMovedData\":true}");
        assertThat(flagOnly.status()).isEqualTo(400);
        assertThat(flagOnly.json().get("detail").asString()).contains("needs \"confirmMovedSlots\"")
                .contains("[1, 16384]");
        for (String flag : List.of("", "\"discardMovedData\":false,")) {
            AdminClient.Reply countOnly = admin.post("/actuator/shards/s-range",
                    "{\"url\":\"http://127.0.0.1:9103\"," + flag + "\"confirmMovedSlots\":4096}");
            assertThat(countOnly.status()).as(flag).isEqualTo(400);
            assertThat(countOnly.json().get("detail").asString()).contains("needs \"discardMovedData\": true");
        }
        AdminClient.Reply onDelete = admin.delete("/actuator/shards/s-1?discardMovedData=true&confirmMovedSlots=0");
        assertThat(onDelete.status()).isEqualTo(400);
        assertThat(onDelete.json().get("detail").asString()).contains("[1, 16384]");
        assertThat(admin.epoch()).isEqualTo(epoch);
    }

    @Test
    void refusesForceWith400SayingItWasRemovedAndWhatReplacesIt() {
        long epoch = admin.epoch();
        List<AdminClient.Reply> replies = List.of(
                admin.post("/actuator/shards/s-forced", "{\"url\":\"http://127.0.0.1:9104\",\"force\":true}"),
                // false too: the client was written for the API that discarded data without saying so.
                admin.post("/actuator/shards/s-2", "{\"url\":\"http://127.0.0.2:9002\",\"force\":false}"),
                admin.post("/actuator/shards/s-forced", "{\"url\":\"http://127.0.0.1:9104\",\"force\":true,"
                        + "\"discardMovedData\":true,\"confirmMovedSlots\":4096}"),
                admin.post("/actuator/shards/s-forced?force=true", "{\"url\":\"http://127.0.0.1:9104\"}"),
                admin.delete("/actuator/shards/s-1?force=true"),
                admin.delete("/actuator/shards/s-1?force"));

        for (AdminClient.Reply reply : replies) {
            assertThat(reply.status()).as(reply.text()).isEqualTo(400);
            assertThat(reply.isProblem()).isTrue();
            assertThat(reply.title()).isEqualTo("Force removed");
            assertThat(reply.json().get("detail").asString()).contains("\"force\" was removed")
                    .contains("lost to their users").contains("\"discardMovedData\": true")
                    .contains("\"confirmMovedSlots\": movedSlots").contains("discardMovedData=true&confirmMovedSlots=")
                    .contains("/actuator/migrations");
        }
        assertThat(admin.epoch()).isEqualTo(epoch);
        assertThat(admin.get("/actuator/ring").json().toString()).doesNotContain("s-forced");
    }

    @Test
    void failsAConfirmationWhenAChangeBetweenPlanAndConfirmationAltersHowManySlotsItMoves() {
        long epoch = admin.epoch();
        AdminClient.Reply plan = admin.post("/actuator/shards/s-late", "{\"url\":\"http://127.0.0.1:9105\"}");
        int planned = plan.json().get("movedSlots").asInt();
        assertThat(plan.json().get("epoch").asLong()).isEqualTo(epoch);
        // Another administrator adds a shard between this one's plan and its confirmation.
        AdminClient.Reply other = admin.postDiscardingMovedData("/actuator/shards/s-other",
                "{\"url\":\"http://127.0.0.1:9106\"}");
        try {
            assertThat(other.status()).as(other.text()).isEqualTo(201);
            List<String> between = directory(admin.get("/actuator/ring").json());

            AdminClient.Reply stale = admin.post("/actuator/shards/s-late", "{\"url\":\"http://127.0.0.1:9105\","
                    + "\"discardMovedData\":true,\"confirmMovedSlots\":" + planned + "}");

            assertThat(stale.status()).as(stale.text()).isEqualTo(409);
            assertThat(stale.title()).isEqualTo("Moved slots not as confirmed");
            int now = stale.json().get("movedSlots").asInt();
            assertThat(now).as("one more shard gives a smaller share to the new one").isLessThan(planned);
            assertThat(stale.json().get("epoch").asLong()).isEqualTo(epoch + 1);
            assertThat(stale.json().get("detail").asString()).contains("the ring changed since the count was read");
            assertThat(admin.epoch()).isEqualTo(epoch + 1);
            assertThat(directory(admin.get("/actuator/ring").json())).isEqualTo(between);

            AdminClient.Reply pinned = admin.post("/actuator/shards/s-late", "{\"url\":\"http://127.0.0.1:9105\","
                    + "\"discardMovedData\":true,\"confirmMovedSlots\":" + now + ",\"expectedEpoch\":" + epoch + "}");
            assertThat(pinned.status()).as("the right count on the wrong epoch").isEqualTo(409);
            assertThat(pinned.title()).isEqualTo("Epoch changed");

            AdminClient.Reply confirmed = admin.post("/actuator/shards/s-late", "{\"url\":\"http://127.0.0.1:9105\","
                    + "\"discardMovedData\":true,\"confirmMovedSlots\":" + now + ",\"expectedEpoch\":"
                    + (epoch + 1) + "}");
            assertThat(confirmed.status()).as(confirmed.text()).isEqualTo(201);
            assertThat(confirmed.json().get("epoch").asLong()).isEqualTo(epoch + 2);
            assertThat(confirmed.json().get("movedSlots").asInt()).isEqualTo(now);
        } finally {
            remove("s-late");
            remove("s-other");
        }
    }

    @Test
    void changesAnAddressWithoutMovingSlotsOrNeedingAConfirmation() {
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
                Arguments.of("POST", "/actuator/shards/Bad_Id", "{\"url\":\"http://127.0.0.1:1\"}", 400),
                Arguments.of("POST", "/actuator/shards/s-77", "{\"weight\":2}", 400),
                Arguments.of("POST", "/actuator/shards/s-1", "{\"weight\":2,\"force\":true}", 400),
                Arguments.of("POST", "/actuator/shards/s-1", "{\"weight\":2,\"discardMovedData\":true}", 400),
                Arguments.of("POST", "/actuator/shards/s-1", "{\"weight\":2,\"confirmMovedSlots\":4096}", 400),
                Arguments.of("POST", "/actuator/shards/s-1",
                        "{\"weight\":2,\"discardMovedData\":true,\"confirmMovedSlots\":\"all\"}", 400),
                Arguments.of("POST", "/actuator/shards/s-1",
                        "{\"weight\":2,\"discardMovedData\":true,\"confirmMovedSlots\":0}", 400),
                Arguments.of("POST", "/actuator/shards/s-1", "{\"expectedEpoch\":\"latest\"}", 400),
                Arguments.of("POST", "/actuator/shards/s-1", "not json", 400),
                Arguments.of("DELETE", "/actuator/shards/s-404", null, 404),
                Arguments.of("DELETE", "/actuator/shards/s-404?discardMovedData=true&confirmMovedSlots=1", null, 404),
                Arguments.of("DELETE", "/actuator/shards/s-1?force=true", null, 400),
                Arguments.of("DELETE", "/actuator/shards/s-1?discardMovedData=true", null, 400),
                Arguments.of("DELETE", "/actuator/shards/s-1?discardMovedData=true&confirmMovedSlots=16385", null, 400),
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
    void removesAShardThatOwnsSlotsWithTheConfirmationInQueryParameters() {
        assertThat(admin.postDiscardingMovedData("/actuator/shards/s-gone", "{\"url\":\"http://127.0.0.1:9200\"}")
                .status()).isEqualTo(201);
        long epoch = admin.epoch();
        int owned = shard(admin.get("/actuator/ring").json(), "s-gone").get("slotsOwned").asInt();

        AdminClient.Reply plan = admin.delete("/actuator/shards/s-gone");
        assertThat(plan.status()).isEqualTo(409);
        assertThat(plan.json().get("movedSlots").asInt()).as("all its slots go").isEqualTo(owned);
        assertThat(plan.json().get("detail").asString()).as("the advice is in the form a DELETE takes")
                .contains("the query parameters discardMovedData=true&confirmMovedSlots=" + owned + "&expectedEpoch="
                        + epoch);
        for (JsonNode move : plan.json().get("moves")) {
            assertThat(move.get("from").asString()).isEqualTo("s-gone");
        }
        AdminClient.Reply removed = admin.delete("/actuator/shards/s-gone?discardMovedData=true&confirmMovedSlots="
                + owned + "&expectedEpoch=" + epoch);

        assertThat(removed.status()).as(removed.text()).isEqualTo(200);
        assertThat(removed.json().get("epoch").asLong()).isEqualTo(epoch + 1);
        assertThat(removed.json().get("movedSlots").asInt()).isEqualTo(owned);
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
        assertThat(publicPort.post("/actuator/shards/s-x", "{\"url\":\"http://127.0.0.1:1\",\"discardMovedData\":true,"
                + "\"confirmMovedSlots\":4096}").status()).isNotIn(200, 201);
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

    private static List<String> ids(JsonNode ring) {
        List<String> ids = new ArrayList<>();
        for (JsonNode shard : ring.get("shards")) {
            ids.add(shard.get("id").asString());
        }
        return ids;
    }

    /**
     * Takes a shard a test added out again, so that the other tests, in whatever order they run, find
     * the three shards they were written for (shares of about a third each).
     */
    private void remove(String id) {
        AdminClient.Reply removed = admin.deleteDiscardingMovedData("/actuator/shards/" + id);
        assertThat(removed.status()).as(removed.text()).isIn(200, 404);
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
