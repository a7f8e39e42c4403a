package dev.bookmarks.shardregistry.migration;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Clock;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import org.jspecify.annotations.Nullable;

/**
 * Gauges of the resharding, for dashboards and alerts beside {@code /actuator/migrations}: whether one runs, is
 * paused or was stopped by a failed verification, slots moved and remaining, rows copied, batches, freeze
 * timeouts, the ETA and the batch in flight's catch-up lag. They
 * describe the resharding in Redis, not this registry's share of the work, so every replica reports the same
 * values; a gauge with nothing to describe (no resharding, no batch in flight, no ETA yet) reports NaN, which
 * Prometheus shows as absent rather than zero. One read of Redis serves every gauge of a scrape: the overview is
 * kept for a second. The write pauses are a timer the driver records at each cutover
 * ({@value ReshardingDriver#WRITE_PAUSE}), counted by the replica that cut over.
 */
final class ReshardingMetrics implements MeterBinder {

    private static final long KEEP_MILLIS = 1000;

    private final Supplier<ReshardingOverview> read;
    private final Clock clock;
    private @Nullable ReshardingOverview kept;
    private long keptAt = Long.MIN_VALUE;

    ReshardingMetrics(Supplier<ReshardingOverview> read, Clock clock) {
        this.read = read;
        this.clock = clock;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        gauge(registry, "bookmarks.resharding.running", "1 while a resharding runs (paused counts), else 0", null,
                o -> o.running() ? 1 : 0);
        gauge(registry, "bookmarks.resharding.paused", "1 while a running resharding is paused by an operator, else 0",
                null, o -> o.running() && o.control() == Resharding.Control.PAUSED ? 1 : 0);
        gauge(registry, "bookmarks.resharding.verification.failed",
                "1 when the latest resharding was stopped because source and target differed, else 0", null,
                o -> o.progress().map(Resharding.Progress::verificationFailed).orElse(false) ? 1 : 0);
        gauge(registry, "bookmarks.resharding.slots.moved", "Slots the resharding cut over so far", null,
                o -> o.progress().map(p -> (double) p.slotsMoved()).orElse(Double.NaN));
        gauge(registry, "bookmarks.resharding.slots.remaining",
                "Slots the resharding still has to move, the batch in flight included", null,
                o -> o.remainingSlots().isPresent() ? o.remainingSlots().getAsLong() : Double.NaN);
        gauge(registry, "bookmarks.resharding.rows.copied", "Rows copied for the batches cut over", null,
                o -> o.progress().map(p -> (double) p.rowsCopied()).orElse(Double.NaN));
        gauge(registry, "bookmarks.resharding.batches", "Batches cut over", null,
                o -> o.progress().map(p -> (double) p.batches()).orElse(Double.NaN));
        gauge(registry, "bookmarks.resharding.freeze.timeouts",
                "Batches aborted because they stayed frozen too long, and tried again", null,
                o -> o.progress().map(p -> (double) p.freezeTimeouts()).orElse(Double.NaN));
        gauge(registry, "bookmarks.resharding.eta", "Seconds the remaining slots should take at the pace so far",
                "seconds", o -> o.etaSeconds().isPresent() ? o.etaSeconds().getAsLong() : Double.NaN);
        gauge(registry, "bookmarks.resharding.batch.slots", "Slots in the batch in flight", null,
                o -> o.inFlight().map(b -> (double) b.slots().length).orElse(Double.NaN));
        gauge(registry, "bookmarks.resharding.batch.lag",
                "Log entries the batch in flight's target is behind its source, as it last reported", null,
                o -> o.inFlight().flatMap(ReshardingOverview.Batch::report).filter(r -> r.lag() >= 0)
                        .map(r -> (double) r.lag()).orElse(Double.NaN));
        gauge(registry, "bookmarks.resharding.batch.rows.copied",
                "Rows the batch in flight's target copied, as it last reported", null,
                o -> o.inFlight().flatMap(ReshardingOverview.Batch::report).map(r -> (double) r.rowsCopied())
                        .orElse(Double.NaN));
    }

    private void gauge(MeterRegistry registry, String name, String description, @Nullable String unit,
            ToDoubleFunction<ReshardingOverview> value) {
        Gauge.builder(name, this, metrics -> value.applyAsDouble(metrics.overview())).description(description)
                .baseUnit(unit).register(registry);
    }

    /**
     * The overview read at most a second ago. A Redis that cannot be read throws here, and Micrometer reports a
     * gauge whose function throws as NaN.
     */
    private synchronized ReshardingOverview overview() {
        long now = clock.millis();
        if (kept == null || now - keptAt >= KEEP_MILLIS || now < keptAt) {
            kept = read.get();
            keptAt = now;
        }
        return kept;
    }
}
