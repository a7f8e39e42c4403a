package dev.bookmarks.gateway.resilience;

import dev.bookmarks.registry.BackgroundTask;
import dev.bookmarks.registry.Heartbeats;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets probes through a shard's open breaker as soon as the shard has been restarted, rather than when
 * {@code wait-in-open-state} ends. A breaker's fixed wait is the right answer to a shard that is overloaded or
 * unreachable; a shard that was killed or stopped and is running again is better probed at once, because until
 * the wait ends all its users get 503s from a shard that could serve them (a rolling restart would otherwise cost
 * its users up to the whole wait on top of the restart). In the spirit of Envoy's outlier ejection ending on a
 * successful active health check, with the shard's heartbeat as the health check.
 *
 * <p>Contract: every {@code interval}, if any breaker is {@link CircuitBreaker.State#OPEN OPEN}, the heartbeats
 * of those shards are read (one pipelined Redis round trip; none while no breaker is open). The first check that
 * sees a breaker open records the start time its shard's heartbeat announces then, or none without a live
 * heartbeat. A later check that finds a live heartbeat announcing any other start time moves the breaker to
 * {@link CircuitBreaker.State#HALF_OPEN HALF_OPEN}, where its permitted probes decide whether it closes. Start
 * times are compared for equality only, so the gateway's and the shard's clocks need not agree. When Redis
 * cannot be read, nothing changes: the breaker's own wait still applies.
 */
final class RestartedShardProbe extends BackgroundTask {

    /** Counter of breakers moved to half-open because their shard restarted; tag {@code shard}. */
    static final String METRIC = "bookmarks.gateway.circuit.restart.probes";

    private static final Logger log = LoggerFactory.getLogger(RestartedShardProbe.class);

    private final ShardCircuitBreakers breakers;
    private final Function<List<String>, Map<String, Heartbeats.Liveness>> liveness;
    private final Duration interval;
    private final boolean enabled;
    private final MeterRegistry meters;
    /** The start time announced when the breaker was first seen open; touched only by {@link #check()}. */
    private final Map<String, Optional<Instant>> startedWhenOpened = new HashMap<>();

    RestartedShardProbe(ShardCircuitBreakers breakers, Function<List<String>, Map<String, Heartbeats.Liveness>> liveness,
            Duration interval, boolean enabled, MeterRegistry meters) {
        super("breaker-restart-probe");
        this.breakers = breakers;
        this.liveness = liveness;
        this.interval = interval;
        this.enabled = enabled;
        this.meters = meters;
    }

    /** One check, as described in the class comment; called every interval, and by tests. */
    synchronized void check() {
        List<String> open = breakers.registry().getAllCircuitBreakers().stream()
                .filter(breaker -> breaker.getState() == CircuitBreaker.State.OPEN)
                .map(CircuitBreaker::getName)
                .toList();
        startedWhenOpened.keySet().retainAll(open);
        if (open.isEmpty()) {
            return;
        }
        Map<String, Heartbeats.Liveness> live;
        try {
            live = liveness.apply(open);
        } catch (RuntimeException e) {
            return;
        }
        for (String shardId : open) {
            Heartbeats.Liveness heartbeat = live.get(shardId);
            Optional<Instant> started = heartbeat != null && heartbeat.alive()
                    ? Optional.ofNullable(heartbeat.startedAt()) : Optional.empty();
            Optional<Instant> before = startedWhenOpened.putIfAbsent(shardId, started);
            if (before != null && started.isPresent() && !started.equals(before)) {
                startedWhenOpened.remove(shardId);
                probe(shardId, started.get());
            }
        }
    }

    private void probe(String shardId, Instant startedAt) {
        try {
            breakers.forShard(shardId).transitionToHalfOpenState();
        } catch (RuntimeException e) {
            return; // Its state moved on meanwhile (a call found the wait over): nothing to do.
        }
        Counter.builder(METRIC).description("Open breakers moved to half-open because their shard restarted")
                .tag("shard", shardId).register(meters).increment();
        log.info("Shard {} restarted (started at {}): its breaker lets probes through now", shardId, startedAt);
    }

    /** Off ({@code probe-on-restart: false}): never started, breakers wait their whole time. */
    @Override
    public boolean isAutoStartup() {
        return enabled;
    }

    @Override
    protected void schedule(ScheduledExecutorService executor) {
        executor.scheduleWithFixedDelay(this::checkQuietly, interval.toMillis(), interval.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private void checkQuietly() {
        try {
            check();
        } catch (RuntimeException e) {
            log.warn("Checking for restarted shards failed: {}", e.toString());
        }
    }
}
