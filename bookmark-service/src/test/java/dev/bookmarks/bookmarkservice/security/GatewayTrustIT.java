package dev.bookmarks.bookmarkservice.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bookmarks.bookmarkservice.ActingGateway;
import dev.bookmarks.bookmarkservice.ShardIntegrationBase;
import dev.bookmarks.bookmarkservice.TestOperator;
import dev.bookmarks.protocol.GatewayHeaders;
import dev.bookmarks.registry.Heartbeats;
import dev.bookmarks.ring.Ring;
import dev.bookmarks.ring.Shard;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Every way a request that did not come from a gateway, or not for this shard, is refused. */
class GatewayTrustIT extends ShardIntegrationBase {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Ring RING = Ring.create(1024, List.of(Shard.active("s-1", "http://127.0.0.1:9001", 1),
            Shard.active("s-2", "http://127.0.0.1:9002", 1)));

    @Autowired
    Heartbeats heartbeats;

    private ActingGateway gateway;
    private String own;
    private String foreign;

    @BeforeEach
    void ring() {
        publishFirstRing(RING);
        gateway = actingGateway(RING);
        own = userOwnedBy("s-1");
        foreign = userOwnedBy("s-2");
    }

    @Test
    void servesTheOwnedUserWhenAGatewaySigned() {
        HttpResponse<String> response = gateway.send("GET", "/api/users/" + own + "/bookmarks", own, null);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    @Test
    void refusesARequestWithoutASignatureWith401() {
        HttpResponse<String> response = ActingGateway.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/api/users/" + own + "/bookmarks")).GET().build());

        assertProblem(response, 401, "the request carries no gateway signature");
    }

    @Test
    void refusesASignatureMadeWithAnotherSecretWith401() {
        ActingGateway impostor = new ActingGateway(port, "another secret that is 32 bytes long", "s-1", RING.epoch());

        HttpResponse<String> response = impostor.send("GET", "/api/users/" + own + "/bookmarks", own, null);

        assertProblem(response, 401, "the gateway signature does not match this request");
    }

    @Test
    void refusesAnExpiredSignatureWith401() {
        ActingGateway late = new ActingGateway(port, SECRET, "s-1", RING.epoch(),
                Clock.offset(Clock.systemUTC(), Duration.ofSeconds(-61)));

        HttpResponse<String> response = late.send("GET", "/api/users/" + own + "/bookmarks", own, null);

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(json(response).get("detail").asString()).contains("from this shard's clock");
    }

    @Test
    void refusesASignatureReplayedForAnotherPathOrUserWith401() {
        Map<String, String> captured = new HashMap<>();
        HttpResponse<String> original = gateway.send("GET", "/api/users/" + own + "/bookmarks", own, null);
        original.request().headers().map().forEach((name, values) -> {
            if (GatewayHeaders.ALL.stream().anyMatch(name::equalsIgnoreCase)) {
                captured.put(name, values.get(0));
            }
        });

        HttpResponse<String> otherPath = replay("/api/users/" + own + "/tags", captured);
        Map<String, String> asOther = new HashMap<>(captured);
        asOther.replaceAll((name, value) -> name.equalsIgnoreCase(GatewayHeaders.USER) ? foreign : value);
        HttpResponse<String> otherUser = replay("/api/users/" + foreign + "/bookmarks", asOther);

        assertThat(original.statusCode()).isEqualTo(200);
        assertProblem(otherPath, 401, "the gateway signature does not match this request");
        assertProblem(otherUser, 401, "the gateway signature does not match this request");
    }

    @Test
    void refusesAPathThatNamesAnotherUserThanTheVouchedOneWith403() {
        HttpResponse<String> response = gateway.send("GET", "/api/users/" + foreign + "/bookmarks", own, null);

        assertProblem(response, 403, "the gateway vouched for a different user than the one this path names");
    }

    @Test
    void answersAUserOfAnotherShardWith421AndItsEpoch() {
        HttpResponse<String> response = gateway.send("GET", "/api/users/" + foreign + "/bookmarks", foreign, null);

        assertThat(response.statusCode()).isEqualTo(421);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(response.headers().firstValue(GatewayHeaders.EPOCH)).contains(Long.toString(RING.epoch()));
        assertThat(json(response).get("epoch").asLong()).isEqualTo(RING.epoch());
        assertThat(json(response).get("detail").asString()).contains("belongs to s-2");
    }

    @Test
    void writesNothingForAMisdirectedCreate() {
        Instant sent = Instant.now();
        HttpResponse<String> misdirected = gateway.send("POST", "/api/users/" + foreign + "/bookmarks", foreign,
                "{\"url\":\"https://example.com/\",\"title\":\"x\",\"tags\":[],\"notes\":\"\"}");

        assertThat(misdirected.statusCode()).isEqualTo(421);
        // The endpoint's counts may be up to a second old: wait for a count taken after the request.
        JsonNode counted = await().atMost(Duration.ofSeconds(30)).until(this::shard,
                view -> !Instant.parse(view.get("countedAt").asString()).isBefore(sent));
        assertThat(counted.get("bookmarks").asLong()).isZero();
    }

    @Test
    void reportsItselfOnTheManagementPort() {
        JsonNode shard = shard();

        assertThat(shard.get("shardId").asString()).isEqualTo("s-1");
        assertThat(shard.get("epoch").asLong()).isEqualTo(RING.epoch());
        assertThat(shard.get("slotsOwned").asInt()).isEqualTo(RING.slotsOwnedBy("s-1"));
        assertThat(ActingGateway.send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + managementPort + "/actuator/health/readiness")).build()).statusCode())
                .isEqualTo(200);
        Heartbeats.Liveness live = await().atMost(Duration.ofSeconds(30))
                .until(() -> heartbeats.liveness(List.of("s-1")).get("s-1"), Heartbeats.Liveness::alive);
        assertThat(live.url()).isEqualTo(URI.create("http://127.0.0.1:9001"));
    }

    private JsonNode shard() {
        return json(ActingGateway.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + managementPort + "/actuator/shard"))
                .header("Authorization", TestOperator.authorization()).build()));
    }

    private HttpResponse<String> replay(String path, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET();
        headers.forEach(request::header);
        return ActingGateway.send(request.build());
    }

    private static String userOwnedBy(String shardId) {
        for (int i = 0; ; i++) {
            if (RING.ownerOf("user-" + i).id().equals(shardId)) {
                return "user-" + i;
            }
        }
    }

    private static void assertProblem(HttpResponse<String> response, int status, String detail) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(json(response).get("detail").asString()).isEqualTo(detail);
    }

    private static JsonNode json(HttpResponse<String> response) {
        return JSON.readTree(response.body());
    }
}
