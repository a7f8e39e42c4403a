package dev.bookmarks.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bookmarks.ring.Ring;
import dev.bookmarks.ring.Shard;
import dev.bookmarks.testing.redis.RealRedis;
import dev.bookmarks.testing.redis.RealRedisExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Watchers against a real Redis process, which these tests also kill and restart.
 *
 * <p>These tests assert what each watcher holds, never how fast it got there: propagation times are
 * printed as figures, and every wait is for a condition, bounded generously ({@link #WAIT}) so that
 * a slow or busy machine only makes them take longer.
 */
class RingWatcherIT {

    /** Bound of every wait for a watcher to see something: Redis round trips, polls, reconnects. */
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** Bound of waits that include Redis restarting and clients reconnecting (backoff up to 2 s). */
    private static final Duration RECONNECT_WAIT = Duration.ofSeconds(60);
    /** How long the outage test keeps Redis down, checking the watchers all along. */
    private static final Duration OUTAGE = Duration.ofSeconds(10);
    /** Allowance for wall-clock adjustments between two readings of the system clock. */
    private static final double CLOCK_SLACK_SECONDS = 0.1;

    @RegisterExtension
    static final RealRedisExtension redis = RealRedisExtension.process();

    private final RegistryClients clients = new RegistryClients();
    private RingStore writer;

    @BeforeEach
    void startWriter() {
        redis.get().flushAll();
        writer = clients.start(redis.get().url(), "bookmarks.registry.pubsub=false").getBean(RingStore.class);
    }

    @AfterEach
    void stopClients() {
        clients.close();
    }

    @Test
    void everyChangeReachesFiveWatchersOverPubSubNotByTheirPoll() {
        // The longest poll allowed, so that polls can explain only a handful of the arrivals.
        Duration poll = Duration.ofSeconds(60);
        int changes = 100;
        List<ConfigurableApplicationContext> contexts = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            contexts.add(clients.start(redis.get().url(), "bookmarks.registry.poll-interval=" + poll.toSeconds() + "s"));
        }
        List<RingWatcher> watchers = contexts.stream().map(c -> c.getBean(RingWatcher.class)).toList();
        await().atMost(WAIT).until(() -> contexts.stream()
                .allMatch(c -> c.getBean(RingChangeSubscription.class).isSubscribed()));
        Ring ring = write(firstRing());
        awaitEpoch(watchers, ring.epoch(), WAIT);
        Map<Long, AtomicLongArray> seen = recordArrivals(watchers);

        List<Long> latencies = new ArrayList<>();
        long started = System.nanoTime();
        for (int change = 0; change < changes; change++) {
            long before = System.nanoTime();
            ring = write(ring.rebalance(List.of(Shard.active("s-1", "http://127.0.0.1:" + (20000 + change), 1))));
            // WAIT is half the poll interval: an announcement that got lost is not rescued by a poll
            // for long, so the test fails within a change or two instead of passing slowly.
            latencies.addAll(awaitArrivals(seen, ring.epoch(), watchers.size(), before, WAIT));
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - started);

        print("pub/sub, 5 watchers x " + changes + " changes", latencies);
        // Each watcher saw every epoch one by one. A poll delivers at most one epoch, and a watcher
        // polls at most once per poll interval (plus the one under way when the changes started):
        // whatever arrived beyond that count came over the change channel.
        long pollsPossible = elapsed.toNanos() / poll.toNanos() + 1;
        System.out.printf("[RingWatcherIT] pub/sub: %d changes in %d ms; polls could explain at most %d per watcher%n",
                changes, elapsed.toMillis(), pollsPossible);
        Ring last = ring;
        assertThat(watchers).allSatisfy(w -> assertThat(w.current()).contains(last));
        assertThat((long) changes).as("arrivals per watcher, against the polls it could have made in %s", elapsed)
                .isGreaterThan(pollsPossible);
    }

    @Test
    void withPubSubOffEveryChangeArrivesByPolling() {
        Duration poll = Duration.ofMillis(500);
        List<ConfigurableApplicationContext> contexts = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            contexts.add(clients.start(redis.get().url(),
                    "bookmarks.registry.pubsub=false", "bookmarks.registry.poll-interval=" + poll.toMillis() + "ms"));
        }
        // Nothing listens on the change channel: polling is the only way a change can arrive.
        assertThat(contexts).allSatisfy(context ->
                assertThat(context.getBeanNamesForType(RingChangeSubscription.class)).isEmpty());
        List<RingWatcher> watchers = contexts.stream().map(c -> c.getBean(RingWatcher.class)).toList();
        Ring ring = write(firstRing());
        awaitEpoch(watchers, ring.epoch(), WAIT);
        Map<Long, AtomicLongArray> seen = recordArrivals(watchers);

        List<Long> latencies = new ArrayList<>();
        for (int change = 0; change < 20; change++) {
            long before = System.nanoTime();
            ring = write(ring.rebalance(List.of(Shard.active("s-1", "http://127.0.0.1:" + (21000 + change), 1))));
            latencies.addAll(awaitArrivals(seen, ring.epoch(), watchers.size(), before, WAIT));
        }

        // On an idle machine every arrival takes at most about one poll interval; printed, not asserted.
        print("polling every " + poll.toMillis() + " ms, 5 watchers x 20 changes", latencies);
        Ring last = ring;
        assertThat(watchers).allSatisfy(w -> assertThat(w.current()).contains(last));
    }

    @Test
    void keepsItsRingThroughARedisOutageAndPicksUpAChangeMadeAfterwards() {
        RealRedis server = redis.get();
        List<ConfigurableApplicationContext> contexts = List.of(
                clients.start(server.url(), "bookmarks.registry.poll-interval=500ms"),
                clients.start(server.url(), "bookmarks.registry.poll-interval=500ms", "bookmarks.registry.pubsub=false"));
        List<RingWatcher> watchers = contexts.stream().map(c -> c.getBean(RingWatcher.class)).toList();
        Ring ring = write(firstRing());
        awaitEpoch(watchers, ring.epoch(), WAIT);

        server.kill();
        long outageEnds = System.nanoTime() + OUTAGE.toNanos();
        await().atMost(WAIT).until(() -> watchers.stream().allMatch(w -> w.status().error().isPresent()));
        for (ConfigurableApplicationContext context : contexts) {
            RingHealthIndicator health = context.getBean(RingHealthIndicator.class);
            assertThat(health.health().getStatus()).isEqualTo(RingHealthIndicator.DEGRADED);
            assertThat(health.health().getDetails()).containsEntry("epoch", 1L).containsKey("error");
            assertThat(gauge(context, "bookmarks.ring.source.errors")).isEqualTo(1.0);
        }
        // Redis stays down for OUTAGE, however long the steps above took; every look at the watchers
        // meanwhile must find the ring (an assertion failing here fails the test at once).
        AtomicInteger looks = new AtomicInteger();
        await().atMost(OUTAGE.plus(WAIT)).pollInterval(Duration.ofMillis(250)).until(() -> {
            for (RingWatcher watcher : watchers) {
                assertThat(watcher.current()).contains(ring);
                assertThat(watcher.status().error()).isPresent();
            }
            looks.incrementAndGet();
            return System.nanoTime() >= outageEnds;
        });
        System.out.printf("[RingWatcherIT] outage of %d s: the watchers held epoch %d at each of %d looks%n",
                OUTAGE.toSeconds(), ring.epoch(), looks.get());
        server.restart();

        Ring afterRestart = ring.rebalance(List.of(Shard.active("s-1", "http://127.0.0.1:9999", 1)));
        writeOnceRedisIsBack(ring.epoch(), afterRestart);

        awaitEpoch(watchers, afterRestart.epoch(), RECONNECT_WAIT);
        await().atMost(RECONNECT_WAIT).until(() -> contexts.stream()
                .allMatch(c -> c.getBean(RingHealthIndicator.class).health().getStatus().equals(Status.UP)));
    }

    @Test
    void startsWhileRedisIsDownAndLoadsTheRingOnceRedisIsBack() {
        RealRedis server = redis.get();
        server.kill();

        ConfigurableApplicationContext context = clients.start(server.url(), "bookmarks.registry.poll-interval=300ms");
        RingWatcher watcher = context.getBean(RingWatcher.class);
        await().atMost(WAIT).until(() -> watcher.status().error().isPresent());
        assertThat(context.getBean(RingHealthIndicator.class).health().getStatus()).isEqualTo(Status.DOWN);
        assertThat(watcher.current()).isEmpty();

        server.restart();
        Ring ring = firstRing();
        writeOnceRedisIsBack(0, ring);

        awaitEpoch(List.of(watcher), 1, RECONNECT_WAIT);
        assertThat(watcher.current()).contains(ring);
        await().atMost(RECONNECT_WAIT).until(() ->
                context.getBean(RingHealthIndicator.class).health().getStatus().equals(Status.UP));
    }

    @Test
    void keepsTheLastGoodRingWhenTheRingKeyHoldsGarbageAndReportsWhy() {
        List<ConfigurableApplicationContext> contexts = List.of(
                clients.start(redis.get().url(), "bookmarks.registry.poll-interval=300ms"),
                clients.start(redis.get().url(), "bookmarks.registry.poll-interval=300ms"));
        List<RingWatcher> watchers = contexts.stream().map(c -> c.getBean(RingWatcher.class)).toList();
        Ring ring = write(firstRing());
        awaitEpoch(watchers, ring.epoch(), WAIT);

        StringRedisTemplate raw = new StringRedisTemplate(contexts.get(0).getBean(RedisConnectionFactory.class));
        raw.opsForValue().set(writer.keys().ring(), "this is not a ring");
        raw.convertAndSend(writer.keys().channel(), "2");

        // The signature no longer matches the bytes: refused before the bytes are parsed.
        await().atMost(WAIT).until(() -> watchers.stream().allMatch(w -> w.status().error()
                .filter(e -> e.contains("does not match its bytes")).isPresent()));
        for (ConfigurableApplicationContext context : contexts) {
            assertThat(context.getBean(RingWatcher.class).current()).contains(ring);
            assertThat(context.getBean(RingHealthIndicator.class).health().getStatus())
                    .isEqualTo(RingHealthIndicator.DEGRADED);
        }

        Ring repaired = write(ring.rebalance(ring.shards()));
        awaitEpoch(watchers, repaired.epoch(), WAIT);
        await().atMost(WAIT).until(() -> watchers.stream().allMatch(w -> w.status().error().isEmpty()));
    }

    @Test
    void neverTakesAnOlderEpochNorDropsItsRingWhenRedisLosesIt() {
        RingWatcher watcher = clients.watchers(redis.get().url(), 1, "bookmarks.registry.poll-interval=200ms").get(0);
        Ring first = write(firstRing());
        Ring second = write(first.rebalance(first.shards()));
        awaitEpoch(List.of(watcher), 2, WAIT);

        redis.get().flushAll();
        await().atMost(WAIT).until(() -> watcher.status().error().isPresent());
        assertThat(watcher.current()).contains(second);

        write(first);
        await().atMost(WAIT).until(() ->
                watcher.status().error().filter(e -> e.contains("older than the epoch 2")).isPresent());
        assertThat(watcher.current()).contains(second);
    }

    @Test
    void reportsTheRingAsGaugesAndHealth() {
        ConfigurableApplicationContext context = clients.start(redis.get().url(), "bookmarks.registry.poll-interval=200ms");
        // The watcher took the ring after this instant and confirms it at each poll: its age can be
        // no more than the time since (the gauges read the same system clock).
        Instant beforeWrite = Instant.now();
        Ring ring = write(Ring.create(1024, List.of(Shard.active("a", "http://127.0.0.1:1", 1),
                Shard.active("b", "http://127.0.0.1:2", 2))));
        awaitEpoch(List.of(context.getBean(RingWatcher.class)), 1, WAIT);

        assertThat(gauge(context, "bookmarks.ring.epoch")).isEqualTo(1.0);
        assertThat(gauge(context, "bookmarks.ring.shards")).isEqualTo(2.0);
        assertThat(gauge(context, "bookmarks.ring.slots.min")).isEqualTo(ring.slotsOwnedBy("a"));
        assertThat(gauge(context, "bookmarks.ring.slots.max")).isEqualTo(ring.slotsOwnedBy("b"));
        double age = gauge(context, "bookmarks.ring.age");
        double sinceWrite = Duration.between(beforeWrite, Instant.now()).toMillis() / 1000.0;
        System.out.printf("[RingWatcherIT] ring age %.3f s, %.3f s after the write began%n", age, sinceWrite);
        assertThat(age).isBetween(0.0, sinceWrite + CLOCK_SLACK_SECONDS);
        assertThat(gauge(context, "bookmarks.ring.last.change")).isGreaterThan(1.7e9);
        assertThat(gauge(context, "bookmarks.ring.source.errors")).isZero();
        assertThat(context.getBean(RingHealthIndicator.class).health().getStatus()).isEqualTo(Status.UP);
    }

    @Test
    void isDownUntilItHasARing() {
        ConfigurableApplicationContext context = clients.start(redis.get().url(), "bookmarks.registry.poll-interval=200ms");

        assertThat(context.getBean(RingHealthIndicator.class).health().getStatus()).isEqualTo(Status.DOWN);
        assertThat(context.getBean(RingWatcher.class).current()).isEmpty();
    }

    /**
     * Writes {@code next} once the writer reaches the restarted Redis. A write whose reply was lost
     * may have been applied; reading the ring back, not the reply, is what says it is done.
     */
    private void writeOnceRedisIsBack(long expectedEpoch, Ring next) {
        await().atMost(RECONNECT_WAIT).ignoreExceptions().until(() -> {
            writer.compareAndSet(expectedEpoch, next, RegistryClients.SIGNER);
            return writer.read().filter(next::equals).isPresent();
        });
    }

    private Ring write(Ring ring) {
        assertThat(writer.compareAndSet(ring.epoch() - 1, ring, RegistryClients.SIGNER))
                .isInstanceOf(RingStore.WriteResult.Written.class);
        return ring;
    }

    private static Ring firstRing() {
        return Ring.create(16384, List.of(Shard.active("s-1", "http://127.0.0.1:9001", 1),
                Shard.active("s-2", "http://127.0.0.1:9002", 1)));
    }

    private static void awaitEpoch(List<RingWatcher> watchers, long epoch, Duration within) {
        await().atMost(within).pollInterval(Duration.ofMillis(2)).until(() -> watchers.stream()
                .allMatch(w -> w.current().map(Ring::epoch).orElse(0L) >= epoch));
    }

    /** For each epoch, the System.nanoTime() at which each watcher's listener saw it (0: not yet). */
    private static Map<Long, AtomicLongArray> recordArrivals(List<RingWatcher> watchers) {
        Map<Long, AtomicLongArray> seen = new ConcurrentHashMap<>();
        for (int i = 0; i < watchers.size(); i++) {
            int index = i;
            watchers.get(i).addListener(ring -> seen.computeIfAbsent(ring.epoch(),
                    e -> new AtomicLongArray(watchers.size())).set(index, System.nanoTime()));
        }
        return seen;
    }

    /** Waits until every watcher saw {@code epoch}, at most {@code within}; returns each one's delay. */
    private static List<Long> awaitArrivals(Map<Long, AtomicLongArray> seen, long epoch, int watchers, long since,
            Duration within) {
        await().atMost(within).pollInterval(Duration.ofMillis(2)).until(() -> {
            AtomicLongArray arrivals = seen.get(epoch);
            return arrivals != null && IntStream.range(0, watchers).allMatch(i -> arrivals.get(i) != 0);
        });
        AtomicLongArray arrivals = seen.get(epoch);
        return IntStream.range(0, watchers).mapToObj(i -> arrivals.get(i) - since).toList();
    }

    private static double gauge(ConfigurableApplicationContext context, String name) {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        context.getBean(RingMetrics.class).bindTo(registry);
        return registry.get(name).gauge().value();
    }

    private static void print(String what, List<Long> nanos) {
        long[] sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
        System.out.printf("[RingWatcherIT] ring propagation, %s: p50 %.1f ms, p99 %.1f ms, max %.1f ms over %d arrivals%n",
                what, sorted[sorted.length / 2] / 1e6, sorted[(int) Math.ceil(sorted.length * 0.99) - 1] / 1e6,
                sorted[sorted.length - 1] / 1e6, sorted.length);
    }
}
