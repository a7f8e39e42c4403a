package dev.bookmarks.gateway;

import static dev.bookmarks.gateway.GatewayClient.bearer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bookmarks.gateway.GatewayClient.Reply;
import dev.bookmarks.gateway.StubShard.Received;
import dev.bookmarks.gateway.resilience.ShardCircuitBreakers;
import dev.bookmarks.protocol.BodyDigest;
import dev.bookmarks.protocol.InternalSecret;
import dev.bookmarks.protocol.RequestVerifier.Verdict;
import dev.bookmarks.protocol.RequestVerifier;
import dev.bookmarks.protocol.ShardHeaders;
import dev.bookmarks.ring.Ring;
import dev.bookmarks.ring.Shard;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Circuit breakers and retries: one gateway (local profile) in front of two stub shards. Breakers
 * open after 2 failures in 4 calls and stay open 5 s: far longer than a test takes to send its next
 * request on a busy machine (tens of ms idle), so "open" never depends on the machine's speed. The
 * retry budget is large enough not to interfere ({@link RetryBudgetIT} tests it).
 */
@TestPropertySource(properties = {
        GatewayClient.OPERATOR_NAME_PROPERTY, GatewayClient.OPERATOR_PASSWORD_PROPERTY,
        "bookmarks.gateway.limits.rate-limit.enabled=false",
        "spring.cloud.gateway.server.webflux.httpclient.connect-timeout=500",
        "bookmarks.gateway.resilience.circuit-breaker.sliding-window-size=4",
        "bookmarks.gateway.resilience.circuit-breaker.minimum-number-of-calls=4",
        "bookmarks.gateway.resilience.circuit-breaker.failure-rate-threshold=50",
        "bookmarks.gateway.resilience.circuit-breaker.wait-in-open-state=5s",
        "bookmarks.gateway.resilience.circuit-breaker.permitted-calls-in-half-open-state=1",
        "bookmarks.gateway.resilience.circuit-breaker.restart-check-interval=100ms",
        "bookmarks.gateway.resilience.retry.max-attempts=2",
        "bookmarks.gateway.resilience.retry.backoff-base=1ms",
        "bookmarks.gateway.resilience.retry.backoff-max=5ms",
        "bookmarks.gateway.resilience.retry.budget-min-per-second=1000",
        // Several polls' worth (250 ms each), so that even a slow first attempt leaves time to hold the write.
        "bookmarks.gateway.resilience.retry.slot-moving-wait=2s",
        // Long enough for any stub answer on a loaded machine, short enough to wait for once.
        "bookmarks.gateway.resilience.response-timeout=2s"})
@ActiveProfiles("local")
class ResilienceIT extends GatewayIntegrationBase {

    @AutoClose
    static final StubShard shardA = StubShard.start("s-a");
    @AutoClose
    static final StubShard shardB = StubShard.start("s-b");

    @Autowired
    ShardCircuitBreakers breakers;

    /** What a shard answers with a write to a slot frozen for its cutover. */
    private static final Map<String, String> MOVING = Map.of("Retry-After", "1", ShardHeaders.SLOT_MOVING, "7");

    private GatewayClient client;
    private Ring ring;
    private String userOfA;
    private String userOfB;

    @BeforeEach
    void twoShardsOwnTheRing() {
        client = new GatewayClient(port);
        ring = publishRing(shardA, shardB);
        userOfA = TestRings.usersOf(ring, "s-a", 1).get(0);
        userOfB = TestRings.usersOf(ring, "s-b", 1).get(0);
        breakers.registry().getAllCircuitBreakers().forEach(CircuitBreaker::reset);
        shardA.reset();
        shardB.reset();
    }

    @Test
    void opensTheBreakerAfterFailuresThenAnswers503WithoutContactingTheShardAndSparesTheOtherShard() {
        openBreakerOfShardA();
        String token = client.devToken(userOfA);

        long start = System.nanoTime();
        Reply refused = client.get("/api/users/" + userOfA + "/bookmarks", bearer(token));
        System.out.printf("[ResilienceIT] 503 of an open breaker answered in %.1f ms%n", (System.nanoTime() - start) / 1e6);

        assertThat(refused.status()).as(refused.text()).isEqualTo(503);
        assertThat(refused.isProblem()).isTrue();
        assertThat(Integer.parseInt(refused.header("Retry-After"))).as("the rest of the 5 s wait, rounded up")
                .isBetween(1, 5);
        assertThat(shardA.received()).as("an open breaker sends nothing, and retries nothing").isEmpty();

        Reply other = client.get("/api/users/" + userOfB + "/bookmarks", bearer(client.devToken(userOfB)));
        assertThat(other.status()).as(other.text()).isEqualTo(200);
        assertThat(other.header("X-Shard")).isEqualTo("s-b");

        GatewayClient management = GatewayClient.operator(managementPort);
        JsonNode view = management.get("/actuator/circuitbreakers").json();
        assertThat(view.get("circuitBreakers").get("s-a").get("state").asString()).isEqualTo("OPEN");
        assertThat(view.get("circuitBreakers").get("s-b").get("state").asString()).isEqualTo("CLOSED");
        assertThat(view.get("retryBudget").get("availableRetries").asDouble()).isPositive();
        String metrics = management.get("/actuator/prometheus").text();
        assertThat(metrics).contains("resilience4j_circuitbreaker_state", "name=\"s-a\"",
                "bookmarks_gateway_retry_budget_tokens");
    }

    @Test
    void answers504WhenTheShardDoesNotAnswerWithinTheResponseTimeoutAndItsBreakerCountsAFailure()
            throws InterruptedException {
        CountDownLatch answer = new CountDownLatch(1);
        // The shard takes the request and holds its answer until the test lets it go (at most 10 s).
        shardA.answerNextWith(200, () -> {
            try {
                answer.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        String token = client.devToken(userOfA);

        long start = System.nanoTime();
        Reply reply = client.get("/api/users/" + userOfA + "/bookmarks", bearer(token));
        System.out.printf("[ResilienceIT] 504 after %.0f ms (response timeout 2 s)%n", (System.nanoTime() - start) / 1e6);
        answer.countDown();

        assertThat(reply.status()).as(reply.text()).isEqualTo(504);
        assertThat(reply.isProblem()).isTrue();
        assertThat(reply.json().get("title").asString()).isEqualTo("Shard timeout");
        assertThat(shardA.received()).as("a timed-out attempt is not retried: the shard may be working on it")
                .hasSize(1);
        assertThat(breakers.registry().circuitBreaker("s-a").getMetrics().getNumberOfFailedCalls()).isEqualTo(1);
    }

    @Test
    void aShardAnswering500Or4xxToSomeRequestsKeepsItsBreakerClosedForEveryone() {
        String token = client.devToken(userOfA);
        shardA.answerAlwaysWith(500);
        for (int i = 0; i < 6; i++) {
            assertThat(client.get("/api/users/" + userOfA + "/bookmarks", bearer(token)).status()).isEqualTo(500);
        }
        shardA.answerAlwaysWith(400);
        for (int i = 0; i < 6; i++) {
            assertThat(client.get("/api/users/" + userOfA + "/bookmarks", bearer(token)).status()).isEqualTo(400);
        }

        assertThat(breakers.forShard("s-a").getState()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(breakers.forShard("s-a").getMetrics().getNumberOfFailedCalls()).isZero();
        assertThat(shardA.received()).as("each answered by the shard itself, none retried").hasSize(12);
    }

    @Test
    void closesTheBreakerAgainOnceTheShardRecovers() {
        openBreakerOfShardA();
        String token = client.devToken(userOfA);

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
                assertThat(client.get("/api/users/" + userOfA + "/bookmarks", bearer(token)).status())
                        .isEqualTo(200));

        assertThat(breakers.forShard("s-a").getState()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(shardA.received()).as("only the half-open probe reached the shard").hasSize(1);
    }

    @Test
    void retriesAGetOnceWhenTheShardAnswers503() {
        shardA.answerNextWith(503, () -> { });

        Reply reply = client.get("/api/users/" + userOfA + "/bookmarks", bearer(client.devToken(userOfA)));

        assertThat(reply.status()).as(reply.text()).isEqualTo(200);
        assertThat(reply.header("X-Shard")).isEqualTo("s-a");
        assertThat(reply.header("X-Bookmarks-Epoch")).isNull();
        assertThat(shardA.received()).hasSize(2);
        assertThat(meter("bookmarks_gateway_retries_total{decision=\"retried\",reason=\"unavailable\""))
                .isPositive();
    }

    @Test
    void doesNotRetryAPostWithoutAnIdempotencyKey() {
        shardA.answerNextWith(503, () -> { });

        Reply reply = client.post("/api/users/" + userOfA + "/bookmarks", "{\"url\":\"https://example.org\"}",
                bearer(client.devToken(userOfA)));

        assertThat(reply.status()).isEqualTo(503);
        assertThat(shardA.received()).hasSize(1);
    }

    @Test
    void retriesAPostWithAnIdempotencyKeyAndSendsTheSameBodyAndKey() {
        RequestVerifier shard = new RequestVerifier(List.of(InternalSecret.parse(LOCAL_SECRET)), "s-a", Duration.ofSeconds(30),
                Clock.systemUTC());
        shardA.answerNextWith(503, () -> { });
        String[] headers = GatewayClient.concat(bearer(client.devToken(userOfA)), "Idempotency-Key", "k-1");

        Reply reply = client.post("/api/users/" + userOfA + "/bookmarks", "{\"url\":\"https://example.org\"}",
                headers);

        assertThat(reply.status()).as(reply.text()).isEqualTo(200);
        assertThat(shardA.received()).hasSize(2);
        assertThat(shardA.received()).extracting(Received::body).containsOnly("{\"url\":\"https://example.org\"}");
        assertThat(shardA.received()).extracting(r -> r.header("Idempotency-Key")).containsOnly("k-1");
        // A shard accepts each signature once: the retry is signed again, with a nonce of its own.
        for (Received attempt : shardA.received()) {
            assertThat(shard.verify(attempt.method(), attempt.rawPath(), attempt.rawQuery(),
                    attempt.headers("Idempotency-Key"), BodyDigest.of(attempt.body().getBytes(StandardCharsets.UTF_8)),
                    attempt::header)).isEqualTo(new Verdict.Verified(userOfA, ring.epoch()));
        }
    }

    @Test
    void holdsAWriteToAMovingSlotAndSendsItAgainUntilTheShardTakesItWhateverItsMethod() {
        shardA.answerNextWith(503, MOVING, 2);
        double before = meter("bookmarks_gateway_retries_total{decision=\"retried\",reason=\"slot_moving\"");

        Reply reply = client.post("/api/users/" + userOfA + "/bookmarks", "{\"url\":\"https://example.org\"}",
                bearer(client.devToken(userOfA)));

        assertThat(reply.status()).as(reply.text()).isEqualTo(200);
        assertThat(shardA.received()).hasSize(3).extracting(Received::body)
                .containsOnly("{\"url\":\"https://example.org\"}");
        assertThat(meter("bookmarks_gateway_retries_total{decision=\"retried\",reason=\"slot_moving\""))
                .isEqualTo(before + 2);
        assertThat(breakers.forShard("s-a").getMetrics().getNumberOfFailedCalls())
                .as("a frozen slot is not a failing shard").isZero();
    }

    @Test
    void handsTheClientTheMovingSlots503WithItsRetryAfterOnceTheWaitRunsOut() {
        shardA.answerAlwaysWith(503, MOVING);
        double before = meter("bookmarks_gateway_retries_total{decision=\"deadline\",reason=\"slot_moving\"");

        Reply reply = client.send("DELETE", "/api/users/" + userOfA + "/bookmarks/" + UUID.randomUUID(), null,
                bearer(client.devToken(userOfA)));

        assertThat(reply.status()).as(reply.text()).isEqualTo(503);
        assertThat(reply.header("Retry-After")).isEqualTo("1");
        // Sent again at most every 250 ms within the 2 s wait, and not once more after it.
        assertThat(shardA.received().size()).isBetween(2, 9);
        assertThat(meter("bookmarks_gateway_retries_total{decision=\"deadline\",reason=\"slot_moving\""))
                .isEqualTo(before + 1);
        assertThat(breakers.forShard("s-a").getMetrics().getNumberOfFailedCalls()).isZero();
        assertThat(breakers.forShard("s-a").getState()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void retriesAConnectFailureAndThenAnswers503WithRetryAfter() {
        ring = TestRings.publish(store, watcher, List.of(Shard.active("s-a", shardA.url(), 1),
                Shard.active("s-b", shardB.url(), 1),
                Shard.active("s-c", "http://127.0.0.1:" + TestRings.closedPort(), 1)));
        String user = TestRings.usersOf(ring, "s-c", 1).get(0);
        String token = client.devToken(user);
        double before = meter("bookmarks_gateway_retries_total{decision=\"retried\",reason=\"connect\"");

        Reply reply = client.get("/api/users/" + user + "/bookmarks", bearer(token));

        assertThat(reply.status()).as(reply.text()).isEqualTo(503);
        assertThat(reply.isProblem()).isTrue();
        assertThat(reply.header("Retry-After")).isNotNull();
        assertThat(meter("bookmarks_gateway_retries_total{decision=\"retried\",reason=\"connect\""))
                .isEqualTo(before + 1);
        assertThat(breakers.forShard("s-c").getMetrics().getNumberOfFailedCalls()).isEqualTo(2);
    }

    @Test
    void anOpenBreakerLetsProbesThroughOnceItsShardsHeartbeatAnnouncesARestart() {
        Instant firstStart = Instant.parse("2026-11-27T08:00:00Z");
        heartbeats.beat("s-a", URI.create(shardA.url()), firstStart);
        openBreakerOfShardA();
        // The probe checks every 100 ms: while the heartbeat is the failed process's, the breaker stays open.
        await().during(Duration.ofMillis(800)).atMost(Duration.ofSeconds(30))
                .until(() -> breakers.forShard("s-a").getState() == CircuitBreaker.State.OPEN);

        heartbeats.beat("s-a", URI.create(shardA.url()), firstStart.plusSeconds(9));

        // No call is made, and Resilience4j leaves OPEN on a call only (after its wait): only the restart
        // probe moves this breaker.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(breakers.forShard("s-a").getState()).isEqualTo(CircuitBreaker.State.HALF_OPEN));
        assertThat(meter("bookmarks_gateway_circuit_restart_probes_total")).isEqualTo(1);
        Reply served = client.get("/api/users/" + userOfA + "/bookmarks", bearer(client.devToken(userOfA)));
        assertThat(served.status()).as(served.text()).isEqualTo(200);
        assertThat(breakers.forShard("s-a").getState()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    /** Two GETs answered 503 (each tried twice: four failures of four calls) open the breaker of s-a. */
    private void openBreakerOfShardA() {
        shardA.answerAlwaysWith(503);
        String token = client.devToken(userOfA);
        for (int i = 0; i < 2; i++) {
            assertThat(client.get("/api/users/" + userOfA + "/bookmarks", bearer(token)).status()).isEqualTo(503);
        }
        assertThat(breakers.forShard("s-a").getState()).isEqualTo(CircuitBreaker.State.OPEN);
        shardA.reset();
    }

    /** The sum of the Prometheus samples whose line starts with {@code prefix}; 0 when none. */
    private double meter(String prefix) {
        String metrics = GatewayClient.operator(managementPort).get("/actuator/prometheus").text();
        double sum = 0;
        for (String line : metrics.split("\n")) {
            if (line.startsWith(prefix)) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }
}
