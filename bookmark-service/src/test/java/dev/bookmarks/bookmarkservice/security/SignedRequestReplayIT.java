package dev.bookmarks.bookmarkservice.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bookmarks.bookmarkservice.ActingGateway;
import dev.bookmarks.bookmarkservice.ShardIntegrationBase;
import dev.bookmarks.protocol.BodyDigest;
import dev.bookmarks.protocol.GatewayHeaders;
import dev.bookmarks.protocol.InternalSecret;
import dev.bookmarks.protocol.RequestSigner;
import dev.bookmarks.ring.Ring;
import dev.bookmarks.ring.Shard;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What someone who captured a gateway's signed request on the internal network can do with it at a real
 * shard: send it again, or with another body or Idempotency-Key. Each is refused with 401 and writes nothing.
 */
class SignedRequestReplayIT extends ShardIntegrationBase {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Ring RING = Ring.create(1024, List.of(Shard.active("s-1", "http://127.0.0.1:9001", 1)));

    private ActingGateway gateway;
    private final RequestSigner signer = new RequestSigner(InternalSecret.parse(SECRET), Clock.systemUTC());

    @BeforeEach
    void ring() {
        publishFirstRing(RING);
        gateway = actingGateway(RING);
    }

    @Test
    void aSignedPostSentAgainVerbatimIsRefusedWith401AndWritesNothingTwice() {
        String user = "verbatim";
        String body = bookmark("https://example.com/once");
        HttpResponse<String> original = gateway.send("POST", path(user), user, body);

        HttpResponse<String> replayed = send(path(user), signedHeaders(original), body);

        assertThat(original.statusCode()).as(original.body()).isEqualTo(201);
        assertProblem(replayed, 401, "the gateway signature was already used");
        assertThat(bookmarksOf(user)).isEqualTo(1);
    }

    @Test
    void aSignedPostWithAnIdempotencyKeySentAgainVerbatimIsRefusedRatherThanAnsweredFromTheStore() {
        String user = "verbatim-keyed";
        String body = bookmark("https://example.com/keyed");
        HttpResponse<String> original = gateway.send("POST", path(user), user, body, Map.of("Idempotency-Key", "k-1"));
        Map<String, String> captured = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        captured.putAll(signedHeaders(original));
        captured.put("Idempotency-Key", "k-1");

        HttpResponse<String> replayed = send(path(user), captured, body);

        assertThat(original.statusCode()).as(original.body()).isEqualTo(201);
        assertProblem(replayed, 401, "the gateway signature was already used");
        assertThat(bookmarksOf(user)).isEqualTo(1);
    }

    @Test
    void theSameSignatureWithAnotherBodyIsRefusedWith401AndWritesNothing() {
        String user = "other-body";
        String signedBody = bookmark("https://example.com/signed");
        Map<String, String> headers = sign(user, signedBody, List.of());

        HttpResponse<String> tampered = send(path(user), headers, bookmark("https://attacker.example/"));

        assertProblem(tampered, 401, "the gateway signature does not match this request");
        assertThat(bookmarksOf(user)).isZero();
        // The same headers with the body they were made for: they were good, only the body was not.
        assertThat(send(path(user), headers, signedBody).statusCode()).isEqualTo(201);
        assertThat(bookmarksOf(user)).isEqualTo(1);
    }

    @Test
    void aCapturedSignatureWithAnotherOrNoIdempotencyKeyIsRefusedWith401AndWritesNothing() {
        String user = "other-key";
        String body = bookmark("https://example.com/key");
        Map<String, String> headers = sign(user, body, List.of("k-signed"));

        HttpResponse<String> otherKey = send(path(user), with(headers, "Idempotency-Key", "k-other"), body);
        HttpResponse<String> noKey = send(path(user), headers, body);

        assertProblem(otherKey, 401, "the gateway signature does not match this request");
        assertProblem(noKey, 401, "the gateway signature does not match this request");
        assertThat(bookmarksOf(user)).isZero();
        assertThat(send(path(user), with(headers, "Idempotency-Key", "k-signed"), body).statusCode()).isEqualTo(201);
    }

    /** What a shard that took over the user's slot since would be sent: it is not the shard the gateway signed for. */
    @Test
    void aRequestSignedForAnotherShardIsRefusedWith401AndWritesNothing() {
        String user = "other-shard";
        String body = bookmark("https://example.com/elsewhere");
        Map<String, String> forAnother = signer.sign("POST", path(user), null, List.of(),
                BodyDigest.of(body.getBytes(StandardCharsets.UTF_8)), user, "s-2", RING.epoch());

        HttpResponse<String> response = send(path(user), forAnother, body);

        assertProblem(response, 401, "the gateway signature does not match this request");
        assertThat(bookmarksOf(user)).isZero();
    }

    @Test
    void aCorrectVersion1SignatureIsRefusedWith401() throws Exception {
        String user = "version-1";
        long now = System.currentTimeMillis();
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String canonical = String.join("\n", "v1", "GET", path(user), "", user, Long.toString(RING.epoch()),
                Long.toString(now));
        String v1 = "v1=" + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(mac.doFinal(canonical.getBytes(StandardCharsets.UTF_8)));

        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path(user))).GET();
        Map.of(GatewayHeaders.USER, user, GatewayHeaders.EPOCH, Long.toString(RING.epoch()),
                GatewayHeaders.TIMESTAMP, Long.toString(now), GatewayHeaders.SIGNATURE, v1).forEach(request::header);
        HttpResponse<String> response = ActingGateway.send(request.build());

        assertProblem(response, 401, "the gateway signature is not version v2, the only version this shard accepts");
    }

    @Test
    void aBodyOverTheLimitIsRefusedWith413WhetherItsLengthIsDeclaredOrNot() {
        byte[] large = bookmark("https://example.com/" + "a".repeat(70_000)).getBytes(StandardCharsets.UTF_8);

        HttpResponse<String> declared = ActingGateway.send(HttpRequest.newBuilder(uri(path("large")))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(large)).build());
        HttpResponse<String> chunked = ActingGateway.send(HttpRequest.newBuilder(uri(path("large")))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(large))).build());

        assertProblem(declared, 413, "the body may have at most 65536 bytes");
        assertProblem(chunked, 413, "the body may have at most 65536 bytes");
    }

    private Map<String, String> sign(String user, String body, List<String> keys) {
        return signer.sign("POST", path(user), null, keys, BodyDigest.of(body.getBytes(StandardCharsets.UTF_8)), user,
                "s-1", RING.epoch());
    }

    private HttpResponse<String> send(String path, Map<String, String> headers, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        return ActingGateway.send(request.build());
    }

    private int bookmarksOf(String user) {
        HttpResponse<String> list = gateway.send("GET", path(user), user, null);
        assertThat(list.statusCode()).as(list.body()).isEqualTo(200);
        return JSON.readTree(list.body()).get("items").size();
    }

    /** The gateway headers a request carried, as someone on the wire would have seen them. */
    private static Map<String, String> signedHeaders(HttpResponse<String> response) {
        Map<String, String> captured = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        response.request().headers().map().forEach((name, values) -> {
            if (GatewayHeaders.ALL.stream().anyMatch(name::equalsIgnoreCase)) {
                captured.put(name, values.get(0));
            }
        });
        assertThat(captured).containsOnlyKeys(GatewayHeaders.ALL);
        return captured;
    }

    private static Map<String, String> with(Map<String, String> headers, String name, String value) {
        Map<String, String> changed = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        changed.putAll(headers);
        changed.put(name, value);
        return changed;
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private static String path(String user) {
        return "/api/users/" + user + "/bookmarks";
    }

    private static String bookmark(String url) {
        return "{\"url\":\"" + url + "\",\"title\":\"t\",\"tags\":[],\"notes\":\"\"}";
    }

    private static void assertProblem(HttpResponse<String> response, int status, String detail) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        JsonNode problem = JSON.readTree(response.body());
        assertThat(problem.get("detail").asString()).isEqualTo(detail);
    }
}
