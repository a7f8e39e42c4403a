package dev.bookmarks.gateway.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bookmarks.testing.redis.RealRedisExtension;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

/**
 * Two "gateways" (two {@link UserBuckets} with their {@link UserRateLimitReconciler}s) sharing one real Redis:
 * together they hold a user to the global limit within the error {@link UserRateLimitFilter} states, and each
 * holds the whole limit alone while Redis is away. Reconciles are forced by the test, not timed; the local
 * clocks stand still unless the test moves them, so the only refill the gateways see is Redis's (by its own
 * clock, {@code TIME}), which the bounds count from the measured time.
 */
class GlobalUserRateLimitIT {

    private static final int RATE = 1;
    private static final long BURST = 100;
    private static final LimitsProperties.RateLimit LIMIT = new LimitsProperties.RateLimit(true, RATE, BURST,
            Duration.ofSeconds(2), Duration.ofMillis(250), 1_000);

    @RegisterExtension
    static final RealRedisExtension redis = RealRedisExtension.process();

    private final AtomicLong clock = new AtomicLong(1_000_000_000_000L);
    private final String prefix = "it-" + UUID.randomUUID();
    private LettuceConnectionFactory connections;
    private UserBuckets bucketsA;
    private UserBuckets bucketsB;
    private UserRateLimitReconciler gatewayA;
    private UserRateLimitReconciler gatewayB;

    @BeforeEach
    void twoGatewaysShareOneRedis() {
        connections = new LettuceConnectionFactory(LettuceConnectionFactory.createRedisConfiguration(redis.get().url()));
        connections.afterPropertiesSet();
        connections.start();
        ReactiveStringRedisTemplate template = new ReactiveStringRedisTemplate(connections);
        bucketsA = new UserBuckets(RATE, BURST, 1_000, clock::get);
        bucketsB = new UserBuckets(RATE, BURST, 1_000, clock::get);
        gatewayA = new UserRateLimitReconciler(bucketsA, template, prefix, LIMIT, System::nanoTime);
        gatewayB = new UserRateLimitReconciler(bucketsB, template, prefix, LIMIT, System::nanoTime);
    }

    @AfterEach
    void closeTheConnections() {
        connections.destroy();
    }

    @Test
    void twoGatewaysTogetherHoldAUserToTheGlobalLimitWithinTheStatedError() {
        long start = System.nanoTime();
        // Each reconcile registers its gateway; the third one sees both.
        assertThat(gatewayA.reconcile()).isTrue();
        assertThat(gatewayB.reconcile()).isTrue();
        assertThat(gatewayA.reconcile()).isTrue();
        assertThat(bucketsA.gateways()).isEqualTo(2);
        assertThat(bucketsB.gateways()).isEqualTo(2);

        long allowed = 0;
        for (int round = 0; round < 6; round++) {
            long a = takeAll(bucketsA, "alice");
            long b = takeAll(bucketsB, "alice");
            System.out.printf("[GlobalUserRateLimitIT] round %d: %d + %d allowed%n", round + 1, a, b);
            allowed += a + b;
            assertThat(gatewayA.reconcile()).isTrue();
            assertThat(gatewayB.reconcile()).isTrue();
        }
        double seconds = (System.nanoTime() - start) / 1e9;

        // The stated bound: burst + rate * W + (G - 1) / G * burst + rate * T', with W the measured time (Redis's
        // refill) and T' at least the sync interval. Two limiters that did not share would allow 2 * burst.
        double error = (2 - 1) / 2.0 * BURST + RATE * LIMIT.syncInterval().toMillis() / 1000.0;
        assertThat((double) allowed).as("allowed in %.2f s", seconds)
                .isGreaterThanOrEqualTo(BURST)
                .isLessThanOrEqualTo(BURST + RATE * seconds + error);
        assertThat(allowed).as("allowed in %.2f s", seconds).isLessThan(2 * BURST);
    }

    @Test
    void aBurstSpentOnOneGatewayIsSeenByTheOtherAfterItsNextReconcile() {
        gatewayA.reconcile();
        gatewayB.reconcile();
        gatewayA.reconcile();

        assertThat(takeAll(bucketsA, "bob")).isEqualTo(BURST / 2);
        assertThat(gatewayA.reconcile()).isTrue();
        assertThat(bucketsB.take("bob")).as("B's share before it heard of A's burst").isEqualTo(BURST / 2 - 1);
        assertThat(gatewayB.reconcile()).isTrue();

        // Redis holds 100 - 50 - 1 (+ its refill since, at 1 a second): B's share is half of that, less nothing.
        long left = takeAll(bucketsB, "bob");
        assertThat(left).isBetween(24L, 24L + 5);
    }

    @Test
    void eachGatewayHoldsTheWholeLimitAloneWhileRedisIsAwayAndTheGlobalViewReturnsWithRedis() {
        gatewayA.reconcile();
        gatewayB.reconcile();
        gatewayA.reconcile();
        assertThat(takeAll(bucketsA, "carol") + takeAll(bucketsB, "carol")).isEqualTo(BURST);
        assertThat(gatewayA.reconcile()).isTrue();
        assertThat(gatewayB.reconcile()).isTrue();

        redis.get().kill();
        try {
            assertThat(gatewayA.reconcile()).isFalse();
            assertThat(gatewayB.reconcile()).isFalse();
            assertThat(gatewayA.degraded()).isTrue();
            // Fail wide, never open: each gateway alone holds carol to the whole limit; her share, spent, is
            // half the burst now; a new user gets the whole burst on each gateway: G times the limit, no more.
            assertThat(takeAll(bucketsA, "dave")).isEqualTo(BURST);
            assertThat(takeAll(bucketsB, "dave")).isEqualTo(BURST);
            assertThat(takeAll(bucketsA, "carol")).isLessThanOrEqualTo(BURST / 2);
        } finally {
            redis.get().restart();
        }

        // The script cache is empty after the restart: EVALSHA answers NOSCRIPT and the script is sent again.
        // Lettuce reconnects with a backoff, so the first reconciles may still fail.
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(gatewayA::reconcile);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(gatewayB::reconcile);
        // B's member may have expired while Redis was away: A counts it again at its next reconcile.
        assertThat(gatewayA.reconcile()).isTrue();
        assertThat(gatewayA.degraded()).isFalse();
        assertThat(bucketsA.gateways()).isEqualTo(2);
        // Redis kept carol's spent burst (append-only file) and dave's, reported now: both are spent globally.
        takeAll(bucketsA, "dave");
        assertThat(gatewayA.reconcile()).isTrue();
        assertThat(takeAll(bucketsA, "carol")).isLessThanOrEqualTo(5);
    }

    /** Takes tokens until refused, at most twice the burst: how many were allowed. */
    private static long takeAll(UserBuckets buckets, String user) {
        long allowed = 0;
        for (int i = 0; i < 2 * BURST && UserBuckets.allowed(buckets.take(user)); i++) {
            allowed++;
        }
        return allowed;
    }
}
