package dev.bookmarks.gateway;

import static dev.bookmarks.gateway.GatewayClient.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bookmarks.gateway.GatewayClient.Reply;
import dev.bookmarks.gateway.StubShard.Received;
import dev.bookmarks.gateway.headers.ShardRequestHeadersFilter;
import dev.bookmarks.gateway.headers.ShardResponseHeadersFilter;
import dev.bookmarks.protocol.BodyDigest;
import dev.bookmarks.protocol.GatewayHeaders;
import dev.bookmarks.protocol.InternalSecret;
import dev.bookmarks.protocol.RequestVerifier.Verdict;
import dev.bookmarks.protocol.RequestVerifier;
import dev.bookmarks.ring.Ring;
import dev.bookmarks.ring.Shard;
import dev.bookmarks.ring.ShardState;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.cloud.gateway.actuate.AbstractGatewayControllerEndpoint;
import org.springframework.cloud.gateway.filter.NettyRoutingFilter;
import org.springframework.cloud.gateway.filter.NettyWriteResponseFilter;
import org.springframework.context.ApplicationContext;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * One gateway (local profile) in front of two stub shards, with the ring in a real Redis.
 */
@TestPropertySource(properties = {
        GatewayClient.OPERATOR_NAME_PROPERTY, GatewayClient.OPERATOR_PASSWORD_PROPERTY,
        "spring.cloud.gateway.server.webflux.httpclient.connect-timeout=500"})
@ActiveProfiles("local")
class GatewayRoutingIT extends GatewayIntegrationBase {

    private static final String DEV_TOKEN_KEY = "local-development-token-key-not-for-production";

    @AutoClose
    static final StubShard shardA = StubShard.start("s-a");
    @AutoClose
    static final StubShard shardB = StubShard.start("s-b");

    @Autowired
    ApplicationContext context;

    private GatewayClient client;
    private Ring ring;
    /** What shard s-a and shard s-b would make of the requests they receive. */
    private final Map<String, RequestVerifier> verifiers = Map.of(
            "s-a", new RequestVerifier(List.of(InternalSecret.parse(LOCAL_SECRET)), "s-a", Duration.ofSeconds(30),
                    Clock.systemUTC()),
            "s-b", new RequestVerifier(List.of(InternalSecret.parse(LOCAL_SECRET)), "s-b", Duration.ofSeconds(30),
                    Clock.systemUTC()));

    @BeforeEach
    void twoShardsOwnTheRing() {
        client = new GatewayClient(port);
        ring = publishRing(shardA, shardB);
        shardA.reset();
        shardB.reset();
    }

    @Test
    void sendsEachUsersRequestsToTheShardThatOwnsTheUserAndReturnsItsAnswer() {
        List<String> usersOfA = TestRings.usersOf(ring, "s-a", 3);
        List<String> usersOfB = TestRings.usersOf(ring, "s-b", 3);

        for (String user : concat(usersOfA, usersOfB)) {
            Reply reply = client.get("/api/users/" + user + "/bookmarks?tag=java&q=a%20b",
                    bearer(client.devToken(user)));

            assertThat(reply.status()).as(reply.text()).isEqualTo(200);
            assertThat(reply.header("X-Shard")).isEqualTo(ring.ownerOf(user).id());
            assertThat(reply.json().get("path").asString()).isEqualTo("/api/users/" + user + "/bookmarks");
        }

        assertThat(shardA.received()).extracting(Received::rawPath)
                .containsExactlyElementsOf(usersOfA.stream().map(u -> "/api/users/" + u + "/bookmarks").toList());
        assertThat(shardB.received()).extracting(Received::rawPath)
                .containsExactlyElementsOf(usersOfB.stream().map(u -> "/api/users/" + u + "/bookmarks").toList());
        assertThat(shardA.received()).extracting(Received::rawQuery).containsOnly("tag=java&q=a%20b");
    }

    @Test
    void signsTheUserAndRingEpochSoThatTheShardCanVerifyThemAndTakesNoClientCopies() {
        String user = TestRings.usersOf(ring, "s-a", 1).get(0);

        Reply reply = client.send("PUT", "/api/users/" + user + "/bookmarks/b-1?x=1", "{\"url\":\"https://example.com\"}",
                GatewayClient.concat(bearer(client.devToken(user)),
                        "Content-Type", "application/json",
                        "X-Bookmarks-User", "mallory",
                        "x-bookmarks-epoch", "999",
                        "X-Bookmarks-Timestamp", "1",
                        "X-Bookmarks-Nonce", "AAAAAAAAAAAAAAAAAAAAAA",
                        "X-Bookmarks-Signature", "v2=forged"));

        assertThat(reply.status()).as(reply.text()).isEqualTo(200);
        Received received = shardA.received().get(0);
        assertThat(received.headers(GatewayHeaders.USER)).containsExactly(user);
        assertThat(received.headers(GatewayHeaders.EPOCH)).containsExactly(Long.toString(ring.epoch()));
        assertThat(received.headers(GatewayHeaders.SIGNATURE)).hasSize(1);
        assertThat(received.headers(GatewayHeaders.NONCE)).hasSize(1).doesNotContain("AAAAAAAAAAAAAAAAAAAAAA");
        assertThat(received.body()).isEqualTo("{\"url\":\"https://example.com\"}");
        assertThat(verify("s-a", received)).isEqualTo(new Verdict.Verified(user, ring.epoch()));
        assertThat(verify("s-b", received)).as("the signature names the shard it was sent to")
                .isEqualTo(new Verdict.Refused("the gateway signature does not match this request"));
    }

    @Test
    void sendsToTheShardsThroughOneRoutingFilterWhoseOnlyHeaderFiltersAreTheGateways() {
        Map<String, NettyRoutingFilter> routing = context.getBeansOfType(NettyRoutingFilter.class);
        Map<String, NettyWriteResponseFilter> writing = context.getBeansOfType(NettyWriteResponseFilter.class);

        assertThat(routing).hasSize(1);
        assertThat(writing).hasSize(1);
        assertThat(routing.values().iterator().next().getHeadersFilters()).hasExactlyElementsOfTypes(
                ShardRequestHeadersFilter.class, ShardResponseHeadersFilter.class);
        assertThat(writing.values().iterator().next().getHeadersFilters()).hasExactlyElementsOfTypes(
                ShardRequestHeadersFilter.class, ShardResponseHeadersFilter.class);
    }

    @Test
    void stripsHopByHopHeadersAndTheTokenAndReplacesForwardingHeadersFromAnUntrustedClient() {
        String user = TestRings.usersOf(ring, "s-b", 1).get(0);

        Reply reply = client.get("/api/users/" + user + "/tags", GatewayClient.concat(bearer(client.devToken(user)),
                "Connection", "keep-alive, X-Hop",
                "X-Hop", "connection-specific",
                "Keep-Alive", "timeout=5",
                "Proxy-Authorization", "Basic c2VjcmV0",
                "X-Forwarded-For", "6.6.6.6",
                "X-Forwarded-Host", "evil.example",
                "X-Forwarded-Proto", "https",
                "Forwarded", "for=6.6.6.6",
                "Idempotency-Key", "k-42"));

        assertThat(reply.status()).as(reply.text()).isEqualTo(200);
        Received received = shardB.received().get(0);
        assertThat(received.headers().keySet()).doesNotContain("x-hop", "keep-alive", "proxy-authorization",
                "authorization", "forwarded");
        assertThat(received.headers("X-Forwarded-For")).containsExactly("127.0.0.1");
        assertThat(received.headers("X-Forwarded-Host")).containsExactly("127.0.0.1:" + port);
        assertThat(received.headers("X-Forwarded-Proto")).containsExactly("http");
        assertThat(received.header("Idempotency-Key")).isEqualTo("k-42");
    }

    @Test
    void refusesATokenForAnotherUsersPathWith403AndForwardsNothing() {
        Reply reply = client.get("/api/users/bob/bookmarks", bearer(client.devToken("alice")));

        assertThat(reply.status()).isEqualTo(403);
        assertThat(reply.isProblem()).isTrue();
        assertNothingForwarded();
    }

    @Test
    void refusesMissingExpiredAndBadlySignedTokensWith401AndForwardsNothing() {
        Instant now = Instant.now();
        String expired = mint(DEV_TOKEN_KEY, "alice", now.minus(Duration.ofHours(2)), now.minus(Duration.ofHours(1)));
        String otherKey = mint("some-other-key-that-is-also-32-bytes-long", "alice", now, now.plus(Duration.ofHours(1)));
        String tampered = client.devToken("alice").replaceFirst("\\.[^.]+\\.", "." + java.util.Base64.getUrlEncoder()
                .withoutPadding().encodeToString("{\"sub\":\"alice\",\"iss\":\"bookmarks-local\"}".getBytes(
                        StandardCharsets.UTF_8)) + ".");

        List<Reply> replies = List.of(
                client.get("/api/users/alice/bookmarks"),
                client.get("/api/users/alice/bookmarks", bearer(expired)),
                client.get("/api/users/alice/bookmarks", bearer(otherKey)),
                client.get("/api/users/alice/bookmarks", bearer(tampered)),
                client.get("/api/users/alice/bookmarks", bearer("not-a-jwt")));

        for (Reply reply : replies) {
            assertThat(reply.status()).as(reply.text()).isEqualTo(401);
            assertThat(reply.isProblem()).isTrue();
            assertThat(reply.header("WWW-Authenticate")).startsWith("Bearer");
        }
        assertThat(replies.get(0).json().get("detail").asString()).isEqualTo("a bearer token is required");
        assertThat(replies.get(1).json().get("detail").asString()).isEqualTo("the bearer token has expired");
        // The decoder's own words (which can quote the token or the parser) never reach the client.
        assertThat(replies.subList(2, 5)).allSatisfy(reply ->
                assertThat(reply.json().get("detail").asString()).isEqualTo("the bearer token is not valid"));
        assertNothingForwarded();
    }

    @Test
    void refusesAPathThatNamesNoValidUserWith400Problems() {
        String token = bearer(client.devToken("alice"))[1];
        for (String path : List.of("/api/users/al%20ice/bookmarks", "/api/users/" + "a".repeat(65) + "/tags",
                "/api/users/al%69ce/bookmarks", "/api/users/alice%2Fbob/tags", "/api/users/alice/../bob/tags")) {
            Reply reply = client.get(path, "Authorization", token);

            assertThat(reply.status()).as(path + " " + reply.text()).isEqualTo(400);
            assertThat(reply.isProblem()).as(path).isTrue();
        }
        assertNothingForwarded();
    }

    @Test
    void rereadsTheRingAndRetriesOnceWhenAShardAnswers421() {
        String user = TestRings.usersOf(ring, "s-a", 1).get(0);
        Ring before = ring;
        // The shard learns of a new ring that moves the user to s-b before the gateway does.
        shardA.answerNextWith(421, () -> TestRings.write(store, before, List.of(Shard.active("s-a", shardA.url(), 1)
                .withState(ShardState.DRAINING), Shard.active("s-b", shardB.url(), 1))));

        Reply reply = client.post("/api/users/" + user + "/bookmarks", "{\"url\":\"https://example.org\"}",
                GatewayClient.concat(bearer(client.devToken(user)), "Idempotency-Key", "k-421"));

        assertThat(reply.status()).as(reply.text()).isEqualTo(200);
        assertThat(reply.header("X-Shard")).isEqualTo("s-b");
        assertThat(reply.header(GatewayHeaders.EPOCH)).isNull();
        assertThat(shardA.received()).hasSize(1);
        assertThat(shardB.received()).hasSize(1);
        assertThat(verify("s-a", shardA.received().get(0))).isEqualTo(new Verdict.Verified(user, before.epoch()));
        // Signed again for s-b, with a nonce of its own.
        assertThat(verify("s-b", shardB.received().get(0))).isEqualTo(new Verdict.Verified(user, before.epoch() + 1));
        assertThat(shardB.received().get(0).header(GatewayHeaders.NONCE))
                .isNotEqualTo(shardA.received().get(0).header(GatewayHeaders.NONCE));
        assertThat(shardB.received().get(0).body()).isEqualTo("{\"url\":\"https://example.org\"}");
        assertThat(shardB.received().get(0).headers("Idempotency-Key")).containsExactly("k-421");
    }

    @Test
    void answers503WhenTheShardStillRefusesAfterTheOneRetry() {
        String user = TestRings.usersOf(ring, "s-a", 1).get(0);
        shardA.answerAlwaysWith(421);

        Reply reply = client.get("/api/users/" + user + "/bookmarks", bearer(client.devToken(user)));

        assertThat(reply.status()).isEqualTo(503);
        assertThat(reply.isProblem()).isTrue();
        assertThat(reply.header("Retry-After")).isEqualTo("1");
        assertThat(reply.header(GatewayHeaders.EPOCH)).isNull();
        assertThat(shardA.received()).hasSize(2);
        assertThat(shardB.received()).isEmpty();
    }

    @Test
    void answersAnUnreachableShardWith503AndTriesNoOtherShard() {
        ring = TestRings.publish(store, watcher, List.of(Shard.active("s-a", shardA.url(), 1),
                Shard.active("s-b", shardB.url(), 1),
                Shard.active("s-c", "http://127.0.0.1:" + TestRings.closedPort(), 1)));
        String user = TestRings.usersOf(ring, "s-c", 1).get(0);
        String token = client.devToken(user);

        long start = System.nanoTime();
        Reply reply = client.get("/api/users/" + user + "/bookmarks", bearer(token));
        System.out.printf("[GatewayRoutingIT] 503 for a refused connection answered in %.1f ms%n",
                (System.nanoTime() - start) / 1e6);

        assertThat(reply.status()).as(reply.text()).isEqualTo(503);
        assertThat(reply.isProblem()).isTrue();
        assertThat(reply.header("Retry-After")).isEqualTo("1");
        assertNothingForwarded();
    }

    @Test
    void keepsSendingUsersToTheirShardWhenItsHeartbeatHasStopped() {
        heartbeats.beat("s-b", URI.create(shardB.url()), Instant.now());
        String user = TestRings.usersOf(ring, "s-a", 1).get(0);
        assertThat(heartbeats.liveness(List.of("s-a", "s-b")).get("s-a").alive()).isFalse();

        Reply reply = client.get("/api/users/" + user + "/bookmarks", bearer(client.devToken(user)));

        assertThat(reply.status()).isEqualTo(200);
        assertThat(shardA.received()).hasSize(1);
        assertThat(shardB.received()).isEmpty();
    }

    @Test
    void showsOnTheManagementPortWhereEachUserIsRoutedAndOnlyThere() {
        GatewayClient management = GatewayClient.operator(managementPort);
        for (String user : concat(TestRings.usersOf(ring, "s-a", 2), TestRings.usersOf(ring, "s-b", 2))) {
            shardA.reset();
            shardB.reset();
            client.get("/api/users/" + user + "/bookmarks", bearer(client.devToken(user)));
            StubShard reached = shardA.received().isEmpty() ? shardB : shardA;

            JsonNode route = management.get("/actuator/route/" + user).json();

            assertThat(route.get("shardId").asString()).isEqualTo(reached.id());
            assertThat(route.get("url").asString()).isEqualTo(reached.url());
            assertThat(route.get("epoch").asLong()).isEqualTo(ring.epoch());
        }
        assertThat(management.get("/actuator/ring").json().get("epoch").asLong()).isEqualTo(ring.epoch());
        Reply invalid = management.get("/actuator/route/al%20ice");
        assertThat(invalid.status()).isEqualTo(400);
        assertThat(invalid.isProblem()).isTrue();
        assertThat(client.get("/actuator/route/alice", bearer(client.devToken("alice"))).status()).isNotEqualTo(200);
    }

    @Test
    void servesHealthAndMetricsOnTheManagementPortButNoRouteWritingEndpoint() {
        GatewayClient management = GatewayClient.operator(managementPort);

        Reply health = management.get("/actuator/health");
        Reply readiness = management.get("/actuator/health/readiness");
        Reply metrics = management.get("/actuator/prometheus");
        Reply routes = management.get("/actuator/gateway/routes");
        Reply addRoute = management.post("/actuator/gateway/routes/evil", "{\"uri\":\"http://evil.example\"}");

        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().get("components").get("ring").get("status").asString()).isEqualTo("UP");
        // The age grows with the time since the last poll: a figure, not a property of the gateway to bound here.
        assertThat(health.json().get("components").get("ring").get("details").get("ageMillis").asLong())
                .isNotNegative();
        assertThat(readiness.status()).isEqualTo(200);
        assertThat(metrics.text()).contains("bookmarks_ring_epoch", "bookmarks_ring_age_seconds");
        assertThat(context.getBeanNamesForType(AbstractGatewayControllerEndpoint.class)).isEmpty();
        assertThat(routes.status()).isNotEqualTo(200);
        assertThat(addRoute.status()).isNotIn(200, 201);
        assertThat(client.get("/actuator/health").status()).isNotEqualTo(200);
    }

    @Test
    void issuesDevTokensUnderTheLocalProfileForValidUserIdsOnly() {
        Reply issued = client.post("/auth/dev-token", "{\"userId\":\"carol.b-1\"}");
        Reply invalid = client.post("/auth/dev-token", "{\"userId\":\"carol b\"}");
        Reply garbage = client.post("/auth/dev-token", "not json");

        assertThat(issued.status()).isEqualTo(200);
        assertThat(client.get("/api/users/carol.b-1/bookmarks", bearer(issued.json().get("token").asString()))
                .status()).isEqualTo(200);
        assertThat(invalid.status()).isEqualTo(400);
        assertThat(invalid.isProblem()).isTrue();
        assertThat(garbage.status()).isEqualTo(400);
        assertThat(garbage.isProblem()).isTrue();
    }

    private void assertNothingForwarded() {
        assertThat(shardA.received()).isEmpty();
        assertThat(shardB.received()).isEmpty();
    }

    /** What shard {@code shardId}'s verifier makes of the request as a stub received it (each nonce accepted once). */
    private Verdict verify(String shardId, Received received) {
        return verifiers.get(shardId).verify(received.method(), received.rawPath(), received.rawQuery(),
                received.headers("Idempotency-Key"), BodyDigest.of(received.body().getBytes(StandardCharsets.UTF_8)),
                received::header);
    }

    private static String mint(String key, String subject, Instant issuedAt, Instant expiresAt) {
        NimbusJwtEncoder encoder = NimbusJwtEncoder.withSecretKey(
                new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256")).algorithm(MacAlgorithm.HS256).build();
        JwtClaimsSet claims = JwtClaimsSet.builder().issuer("bookmarks-local").subject(subject).issuedAt(issuedAt)
                .expiresAt(expiresAt).build();
        return encoder.encode(JwtEncoderParameters.from(JwsHeader.with(MacAlgorithm.HS256).build(), claims))
                .getTokenValue();
    }

    private static List<String> concat(List<String> first, List<String> second) {
        List<String> all = new ArrayList<>(first);
        all.addAll(second);
        return all;
    }
}
