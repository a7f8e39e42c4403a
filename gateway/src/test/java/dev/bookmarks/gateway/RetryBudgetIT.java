package dev.bookmarks.gateway;

import static dev.bookmarks.gateway.GatewayClient.bearer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bookmarks.gateway.GatewayClient.Reply;
import dev.bookmarks.registry.RingStore.WriteResult;
import dev.bookmarks.ring.Ring;
import dev.bookmarks.ring.Shard;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.TestPropertySource;

/**
 * The retry budget under a shard that keeps answering 503: extra attempts stay near 20% of requests
 * (plus the per-second minimum). The breaker is kept closed (it would need 100000 calls) so that the
 * budget alone limits the retries.
 */
@TestPropertySource(properties = {
        "bookmarks.gateway.limits.rate-limit.enabled=false",
        "bookmarks.gateway.resilience.circuit-breaker.minimum-number-of-calls=100000",
        "bookmarks.gateway.resilience.circuit-breaker.sliding-window-size=10000",
        "bookmarks.gateway.resilience.retry.max-attempts=5",
        "bookmarks.gateway.resilience.retry.backoff-base=1ms",
        "bookmarks.gateway.resilience.retry.backoff-max=2ms",
        "bookmarks.gateway.resilience.retry.budget-ratio=0.2",
        "bookmarks.gateway.resilience.retry.budget-min-per-second=1",
        "bookmarks.gateway.resilience.retry.budget-max-tokens=1"})
@ActiveProfiles("local")
class RetryBudgetIT extends GatewayIntegrationBase {

    private static final int REQUESTS = 200;

    @AutoClose
    static final StubShard shard = StubShard.start("s-a");

    @Test
    void capsExtraAttemptsAtAboutTwentyPercentOfRequestsUnderASustainedFailure() {
        Ring ring = Ring.create(1024, List.of(Shard.active("s-a", shard.url(), 1)));
        assertThat(store.compareAndSet(0, ring, TestRings.SIGNER)).isInstanceOf(WriteResult.Written.class);
        await().atMost(Duration.ofSeconds(10)).until(() -> watcher.current().isPresent());
        GatewayClient client = new GatewayClient(port);
        Reply issued = client.post("/auth/dev-token", "{\"userId\":\"alice\"}");
        String[] auth = bearer(issued.json().get("token").asString());
        shard.answerAlwaysWith(503);

        long start = System.nanoTime();
        for (int i = 0; i < REQUESTS; i++) {
            assertThat(client.get("/api/users/alice/bookmarks", auth).status()).isEqualTo(503);
        }
        double seconds = (System.nanoTime() - start) / 1e9;

        int attempts = shard.received().size();
        // ratio * requests, plus the minimum of 1 retry/s (one in reserve at the start), plus the one
        // deposited token the bucket may hold.
        double bound = 1.2 * REQUESTS + 1 * (Math.ceil(seconds) + 1) + 1;
        assertThat(attempts).as("attempts for %d requests in %.1f s", REQUESTS, seconds)
                .isGreaterThan(REQUESTS + REQUESTS / 10)
                .isLessThanOrEqualTo((int) bound);
    }
}
