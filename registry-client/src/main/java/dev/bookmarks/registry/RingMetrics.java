package dev.bookmarks.registry;

import dev.bookmarks.ring.Ring;
import dev.bookmarks.ring.Shard;
import dev.bookmarks.ring.ShardState;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Clock;
import java.util.function.ToDoubleFunction;

/**
 * Gauges of the ring a process holds, read from its {@link RingWatcher} at scrape time. A gauge
 * with no ring to describe reports NaN, which Prometheus shows as absent data rather than zero.
 */
public final class RingMetrics implements MeterBinder {

    private final RingWatcher watcher;
    private final Clock clock;

    public RingMetrics(RingWatcher watcher, Clock clock) {
        this.watcher = watcher;
        this.clock = clock;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        ring(registry, "bookmarks.ring.epoch", "The epoch of the ring held", null, Ring::epoch);
        ring(registry, "bookmarks.ring.shards", "Shards in the ring's directory", null, r -> r.shards().size());
        ring(registry, "bookmarks.ring.slots.min", "Fewest slots owned by an active shard", "slots",
                r -> activeSlots(r, true));
        ring(registry, "bookmarks.ring.slots.max", "Most slots owned by an active shard", "slots",
                r -> activeSlots(r, false));
        Gauge.builder("bookmarks.ring.age", watcher,
                        w -> w.status().age(clock.instant()).map(a -> a.toMillis() / 1000.0).orElse(Double.NaN))
                .description("Seconds since Redis last confirmed the ring held is current")
                .baseUnit("seconds").register(registry);
        Gauge.builder("bookmarks.ring.last.change", watcher,
                        w -> w.status().changedAt().map(at -> at.toEpochMilli() / 1000.0).orElse(Double.NaN))
                .description("When the ring held was written, Unix time by Redis's clock")
                .baseUnit("seconds").register(registry);
        Gauge.builder("bookmarks.ring.source.errors", watcher, w -> w.status().error().isPresent() ? 1 : 0)
                .description("1 while Redis cannot confirm the ring (unreachable, unreadable or not signed by"
                        + " a trusted key), else 0")
                .register(registry);
        FunctionCounter.builder("bookmarks.ring.signature.failures", watcher, RingWatcher::signatureFailures)
                .description("Reads that found a ring whose signature is missing or not by a trusted key;"
                        + " such a ring is refused and the last good one kept")
                .register(registry);
    }

    private void ring(MeterRegistry registry, String name, String description, String unit,
            ToDoubleFunction<Ring> value) {
        Gauge.builder(name, watcher, w -> w.current().map(value::applyAsDouble).orElse(Double.NaN))
                .description(description).baseUnit(unit).register(registry);
    }

    private static int activeSlots(Ring ring, boolean min) {
        int result = min ? Integer.MAX_VALUE : 0;
        for (Shard shard : ring.shards()) {
            if (shard.state() == ShardState.ACTIVE) {
                int owned = ring.slotsOwnedBy(shard.id());
                result = min ? Math.min(result, owned) : Math.max(result, owned);
            }
        }
        return result;
    }
}
