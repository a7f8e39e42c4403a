package dev.bookmarks.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bookmarks.ring.Ring;
import dev.bookmarks.ring.Shard;
import dev.bookmarks.testing.redis.RealRedis;
import dev.bookmarks.testing.redis.RealRedisExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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

/** Watchers against a real Redis process, which these tests also kill and restart. */
class RingWatcherIT {

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
    void aChangeReachesFiveWatchersWithinOneSecondOverPubSub() {
        // A long poll, so that only the change channel can explain a fast arrival.
        List<ConfigurableApplicationContext> contexts = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            contexts.add(clients.start(redis.get().url(), "bookmarks.registry.poll-interval=60s"));
        }
        List<RingWatcher> watchers = contexts.stream().map(c -> c.getBean(RingWatcher.class)).toList();
        await().atMost(Duration.ofSeconds(5)).until(() -> contexts.stream()
                .allMatch(c -> c.getBean(RingChangeSubscription.class).isSubscribed()));
        Ring ring = write(firstRing());
        awaitEpoch(watchers, ring.epoch(), Duration.ofSeconds(5));
        Map<Long, AtomicLongArray> seen = recordArrivals(watchers);

        List<Long> latencies = new ArrayList<>();
        for (int change = 0; change < 100; change++) {
            long before = System.nanoTime();
            ring = write(ring.rebalance(List.of(Shard.active("s-1", "http://127.0.0.1:" + (20000 + change), 1))));
            latencies.addAll(awaitArrivals(seen, ring.epoch(), watchers.size(), before, Duration.ofSeconds(1)));
        }

        print("pub/sub, 5 watchers x 100 changes", latencies);
    }

    @Test
    void withPubSubOffAChangeArrivesWithinOnePollInterval() {
        Duration poll = Duration.ofMillis(500);
        List<RingWatcher> watchers = clients.watchers(redis.get().url(), 5,
                "bookmarks.registry.pubsub=false", "bookmarks.registry.poll-interval=" + poll.toMillis() + "ms");
        Ring ring = write(firstRing());
        awaitEpoch(watchers, ring.epoch(), Duration.ofSeconds(5));
        Map<Long, AtomicLongArray> seen = recordArrivals(watchers);

        List<Long> latencies = new ArrayList<>();
        for (int change = 0; change < 20; change++) {
            long before = System.nanoTime();
            ring = write(ring.rebalance(List.of(Shard.active("s-1", "http://127.0.0.1:" + (21000 + change), 1))));
            // One poll interval, plus the read itself and thread scheduling on a shared machine.
            latencies.addAll(awaitArrivals(seen, ring.epoch(), watchers.size(), before, poll.plusMillis(300)));
        }

        print("polling every " + poll.toMillis() + " ms, 5 watchers x 20 changes", latencies);
    }

    @Test
    void keepsItsRingThroughARedisOutageAndPicksUpAChangeMadeAfterwards() {
        RealRedis server = redis.get();
        List<ConfigurableApplicationContext> contexts = List.of(
                clients.start(server.url(), "bookmarks.registry.poll-interval=500ms"),
                clients.start(server.url(), "bookmarks.registry.poll-interval=500ms", "bookmarks.registry.pubsub=false"));
        List<RingWatcher> watchers = contexts.stream().map(c -> c.getBean(RingWatcher.class)).toList();
        Ring ring = write(firstRing());
        awaitEpoch(watchers, ring.epoch(), Duration.ofSeconds(5));

        server.kill();
        long outageEnds = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        await().atMost(Duration.ofSeconds(3)).until(() -> watchers.stream().allMatch(w -> w.status().error().isPresent()));
        for (ConfigurableApplicationContext context : contexts) {
            RingHealthIndicator health = context.getBean(RingHealthIndicator.class);
            assertThat(health.health().getStatus()).isEqualTo(RingHealthIndicator.DEGRADED);
            assertThat(health.health().getDetails()).containsEntry("epoch", 1L).containsKey("error");
            assertThat(gauge(context, "bookmarks.ring.source.errors")).isEqualTo(1.0);
        }
        while (System.nanoTime() < outageEnds) {
            for (RingWatcher watcher : watchers) {
                assertThat(watcher.current()).contains(ring);
            }
            await().pollDelay(Duration.ofMillis(250)).atMost(Duration.ofSeconds(1)).until(() -> true);
        }
        server.restart();

        Ring afterRestart = ring.rebalance(List.of(Shard.active("s-1", "http://127.0.0.1:9999", 1)));
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() ->
                writer.compareAndSet(ring.epoch(), afterRestart) instanceof RingStore.WriteResult.Written);

        awaitEpoch(watchers, afterRestart.epoch(), Duration.ofSeconds(10));
        await().atMost(Duration.ofSeconds(5)).until(() -> contexts.stream()
                .allMatch(c -> c.getBean(RingHealthIndicator.class).health().getStatus().equals(Status.UP)));
    }

    @Test
    void startsWhileRedisIsDownAndLoadsTheRingOnceRedisIsBack() {
        RealRedis server = redis.get();
        server.kill();

        ConfigurableApplicationContext context = clients.start(server.url(), "bookmarks.registry.poll-interval=300ms");
        RingWatcher watcher = context.getBean(RingWatcher.class);
        await().atMost(Duration.ofSeconds(3)).until(() -> watcher.status().error().isPresent());
        assertThat(context.getBean(RingHealthIndicator.class).health().getStatus()).isEqualTo(Status.DOWN);
        assertThat(watcher.current()).isEmpty();

        server.restart();
        Ring ring = firstRing();
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() ->
                writer.compareAndSet(0, ring) instanceof RingStore.WriteResult.Written);

        awaitEpoch(List.of(watcher), 1, Duration.ofSeconds(10));
        assertThat(watcher.current()).contains(ring);
        await().atMost(Duration.ofSeconds(5)).until(() ->
                context.getBean(RingHealthIndicator.class).health().getStatus().equals(Status.UP));
    }

    @Test
    void keepsTheLastGoodRingWhenTheRingKeyHoldsGarbageAndReportsWhy() {
        List<ConfigurableApplicationContext> contexts = List.of(
                clients.start(redis.get().url(), "bookmarks.registry.poll-interval=300ms"),
                clients.start(redis.get().url(), "bookmarks.registry.poll-interval=300ms"));
        List<RingWatcher> watchers = contexts.stream().map(c -> c.getBean(RingWatcher.class)).toList();
        Ring ring = write(firstRing());
        awaitEpoch(watchers, ring.epoch(), Duration.ofSeconds(5));

        StringRedisTemplate raw = new StringRedisTemplate(contexts.get(0).getBean(RedisConnectionFactory.class));
        raw.opsForValue().set(writer.keys().ring(), "this is not a ring");
        raw.convertAndSend(writer.keys().channel(), "2");

        await().atMost(Duration.ofSeconds(2)).until(() -> watchers.stream()
                .allMatch(w -> w.status().error().filter(e -> e.contains("unreadable")).isPresent()));
        for (ConfigurableApplicationContext context : contexts) {
            assertThat(context.getBean(RingWatcher.class).current()).contains(ring);
            assertThat(context.getBean(RingHealthIndicator.class).health().getStatus())
                    .isEqualTo(RingHealthIndicator.DEGRADED);
        }

        Ring repaired = write(ring.rebalance(ring.shards()));
        awaitEpoch(watchers, repaired.epoch(), Duration.ofSeconds(2));
        await().atMost(Duration.ofSeconds(2)).until(() -> watchers.stream().allMatch(w -> w.status().error().isEmpty()));
    }

    @Test
    void neverTakesAnOlderEpochNorDropsItsRingWhenRedisLosesIt() {
        RingWatcher watcher = clients.watchers(redis.get().url(), 1, "bookmarks.registry.poll-interval=200ms").get(0);
        Ring first = write(firstRing());
        Ring second = write(first.rebalance(first.shards()));
        awaitEpoch(List.of(watcher), 2, Duration.ofSeconds(5));

        redis.get().flushAll();
        await().atMost(Duration.ofSeconds(2)).until(() -> watcher.status().error().isPresent());
        assertThat(watcher.current()).contains(second);

        write(first);
        await().atMost(Duration.ofSeconds(2)).until(() ->
                watcher.status().error().filter(e -> e.contains("older than the epoch 2")).isPresent());
        assertThat(watcher.current()).contains(second);
    }

    @Test
    void reportsTheRingAsGaugesAndHealth() {
        ConfigurableApplicationContext context = clients.start(redis.get().url(), "bookmarks.registry.poll-interval=200ms");
        Ring ring = write(Ring.create(1024, List.of(Shard.active("a", "http://127.0.0.1:1", 1),
                Shard.active("b", "http://127.0.0.1:2", 2))));
        awaitEpoch(List.of(context.getBean(RingWatcher.class)), 1, Duration.ofSeconds(5));

        assertThat(gauge(context, "bookmarks.ring.epoch")).isEqualTo(1.0);
        assertThat(gauge(context, "bookmarks.ring.shards")).isEqualTo(2.0);
        assertThat(gauge(context, "bookmarks.ring.slots.min")).isEqualTo(ring.slotsOwnedBy("a"));
        assertThat(gauge(context, "bookmarks.ring.slots.max")).isEqualTo(ring.slotsOwnedBy("b"));
        assertThat(gauge(context, "bookmarks.ring.age")).isBetween(0.0, 5.0);
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

    private Ring write(Ring ring) {
        assertThat(writer.compareAndSet(ring.epoch() - 1, ring)).isInstanceOf(RingStore.WriteResult.Written.class);
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
        System.out.printf("Ring propagation, %s: p50 %.1f ms, p99 %.1f ms, max %.1f ms over %d arrivals%n",
                what, sorted[sorted.length / 2] / 1e6, sorted[(int) Math.ceil(sorted.length * 0.99) - 1] / 1e6,
                sorted[sorted.length - 1] / 1e6, sorted.length);
    }
}
