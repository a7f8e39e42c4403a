package dev.bookmarks.gateway;

import static dev.bookmarks.gateway.GatewayClient.bearer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bookmarks.gateway.GatewayClient.Reply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.TestPropertySource;

/**
 * The per-user rate limit, a token bucket in a real Redis process (1 token/s, burst 3 here), and what
 * happens when that Redis dies: the gateway keeps routing, unlimited (fail-open).
 */
@TestPropertySource(properties = {
        "bookmarks.gateway.limits.rate-limit.replenish-rate=1",
        "bookmarks.gateway.limits.rate-limit.burst-capacity=3",
        // The bucket is under test, not the timeout: a first Redis call slower than the default
        // 200 ms on a busy machine would fail open and let a fourth request through.
        "bookmarks.gateway.limits.rate-limit.redis-timeout=2s"})
@ActiveProfiles("local")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@GatewayIntegrationBase.KillableRedis
class RateLimitIT extends GatewayIntegrationBase {

    @AutoClose
    static final StubShard shard = StubShard.start("s-1");

    private GatewayClient client;

    @BeforeEach
    void oneShardOwnsTheRing() {
        publishFirstRing(shard);
        client = new GatewayClient(port);
        shard.reset();
    }

    @Test
    @Order(1)
    void answers429WithRetryAfterOnceAUsersBurstIsSpentAndLeavesOtherUsersAlone() {
        String alice = client.devToken("alice");
        String bob = client.devToken("bob");

        // SCG's bucket refills in whole seconds (Redis TIME): a burst that lasts T seconds may earn one token
        // for each second boundary it crosses, at most floor(T) + 1. So: the first three are allowed, requests
        // go on until the first 429 (at most 50), and the allowed count is bounded by the measured T rather
        // than by a bet that the burst fits in one second.
        List<Reply> burst = new ArrayList<>();
        long start = System.nanoTime();
        while (burst.size() < 50 && (burst.isEmpty() || burst.get(burst.size() - 1).status() != 429)) {
            burst.add(client.get("/api/users/alice/bookmarks", bearer(alice)));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Reply other = client.get("/api/users/bob/bookmarks", bearer(bob));
        System.out.printf("[RateLimitIT] %d requests in %.2f s until the first 429%n", burst.size(), seconds);

        assertThat(burst.subList(0, 3)).extracting(Reply::status).containsOnly(200);
        Reply refused = burst.get(burst.size() - 1);
        assertThat(refused.status()).as(refused.text()).isEqualTo(429);
        assertThat(refused.isProblem()).isTrue();
        assertThat(refused.header("Retry-After")).isEqualTo("1");
        assertThat(refused.json().get("status").asInt()).isEqualTo(429);
        assertThat(other.status()).isEqualTo(200);
        long allowed = burst.stream().filter(reply -> reply.status() == 200).count();
        assertThat(allowed).as("allowed in %.2f s", seconds).isEqualTo(burst.size() - 1L)
                .isBetween(3L, 3L + (long) Math.floor(seconds) + 1);
        List<String> forwarded = new ArrayList<>(java.util.Collections.nCopies((int) allowed, "/api/users/alice/bookmarks"));
        forwarded.add("/api/users/bob/bookmarks");
        assertThat(shard.received()).extracting(StubShard.Received::rawPath).containsExactlyElementsOf(forwarded);

        // The bucket refills: one token a second.
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .until(() -> client.get("/api/users/alice/bookmarks", bearer(alice)).status() == 200);
    }

    @Test
    @Order(2)
    void keepsRoutingWithoutALimitWhileRedisIsDown() {
        String carol = client.devToken("carol");
        redis.get().kill();

        for (int i = 0; i < 6; i++) {
            long start = System.nanoTime();
            Reply reply = client.get("/api/users/carol/bookmarks", bearer(carol));
            System.out.printf("[RateLimitIT] request %d with Redis down answered in %.1f ms%n", i + 1,
                    (System.nanoTime() - start) / 1e6);

            assertThat(reply.status()).as(reply.text()).isEqualTo(200);
        }
        assertThat(shard.received()).hasSize(6);
    }
}
