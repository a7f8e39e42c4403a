package dev.bookmarks.gateway;

import static dev.bookmarks.gateway.GatewayClient.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bookmarks.gateway.GatewayClient.Reply;
import dev.bookmarks.gateway.resilience.ShardCircuitBreakers;
import dev.bookmarks.ring.Ring;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.TestPropertySource;

/**
 * The overall deadline of a request's attempts ({@code retry.overall-timeout}, 3 s here) against a response timeout
 * per attempt far longer than it (30 s): the deadline cuts each attempt's wait. A stub shard that holds its answer
 * lets it go after 15 s at the latest, so without the deadline the client would get that answer (a 200), not a 504.
 */
@TestPropertySource(properties = {
        "bookmarks.gateway.limits.rate-limit.enabled=false",
        "bookmarks.gateway.resilience.retry.max-attempts=2",
        "bookmarks.gateway.resilience.retry.backoff-base=1ms",
        "bookmarks.gateway.resilience.retry.backoff-max=5ms",
        "bookmarks.gateway.resilience.retry.budget-min-per-second=1000",
        "bookmarks.gateway.resilience.retry.overall-timeout=3s",
        "bookmarks.gateway.resilience.response-timeout=30s"})
@ActiveProfiles("local")
class OverallDeadlineIT extends GatewayIntegrationBase {

    @AutoClose
    static final StubShard shard = StubShard.start("s-a");

    @Autowired
    ShardCircuitBreakers breakers;

    private final CountDownLatch release = new CountDownLatch(1);
    private GatewayClient client;
    private String user;

    @BeforeEach
    void oneShardOwnsTheRing() {
        client = new GatewayClient(port);
        Ring ring = publishRing(shard);
        user = TestRings.usersOf(ring, "s-a", 1).get(0);
        breakers.registry().getAllCircuitBreakers().forEach(CircuitBreaker::reset);
        shard.reset();
    }

    @AfterEach
    void releaseTheShard() {
        release.countDown();
    }

    @Test
    void answers504AtTheOverallDeadlineWhenItComesBeforeTheResponseTimeout() {
        shard.answerNextWith(200, this::holdUpTo15Seconds);
        String token = client.devToken(user);

        long start = System.nanoTime();
        Reply reply = client.get("/api/users/" + user + "/bookmarks", bearer(token));
        System.out.printf("[OverallDeadlineIT] 504 after %.0f ms (deadline 3 s)%n", (System.nanoTime() - start) / 1e6);

        assertThat(reply.status()).as(reply.text()).isEqualTo(504);
        assertThat(reply.isProblem()).isTrue();
        assertThat(reply.json().get("title").asString()).isEqualTo("Shard timeout");
        assertThat(shard.received()).as("a timed-out attempt is not retried").hasSize(1);
        assertThat(breakers.forShard("s-a").getMetrics().getNumberOfFailedCalls()).isEqualTo(1);
    }

    @Test
    void cutsARetrysResponseTimeoutToWhatIsLeftOfTheDeadline() {
        // The first attempt gets a 503 after 1 s, the retry's answer is held: it has the 2 s left, not 30 s.
        shard.answerNextWith(503, () -> {
            shard.answerNextWith(200, this::holdUpTo15Seconds);
            sleep(1_000);
        });
        String token = client.devToken(user);

        long start = System.nanoTime();
        Reply reply = client.get("/api/users/" + user + "/bookmarks", bearer(token));
        System.out.printf("[OverallDeadlineIT] 504 of the retry after %.0f ms (deadline 3 s)%n",
                (System.nanoTime() - start) / 1e6);

        assertThat(reply.status()).as(reply.text()).isEqualTo(504);
        assertThat(reply.json().get("title").asString()).isEqualTo("Shard timeout");
        assertThat(shard.received()).as("the 503 was retried once").hasSize(2);
    }

    private void holdUpTo15Seconds() {
        try {
            release.await(15, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
