package dev.bookmarks.shardregistry.migration;

import dev.bookmarks.registry.ImportReports;
import dev.bookmarks.registry.ImportReports.ImportReport;
import dev.bookmarks.registry.RingStore;
import dev.bookmarks.ring.Ring;
import dev.bookmarks.ring.SlotRanges;
import dev.bookmarks.ring.SlotMigration;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What an operator watches of a resharding, read at one moment from Redis: the resharding, the operator's control,
 * the driver's progress, the ring and the batch in flight with its target's report, and what follows from them
 * (slots left, ETA). {@code /actuator/migrations} shows it; the resharding's gauges read it.
 *
 * @param ring the ring held, if any
 * @param resharding the latest resharding started, if any
 * @param control the operator's word on it; meaningful only with a resharding
 * @param progress how far it went, if started
 * @param inFlight the batch migrating now, if any
 * @param remainingSlots slots still to move to reach the resharding's directory, the batch in flight included: 0
 *     once it is done, the plan's count from the ring held otherwise; empty without a resharding or a ring
 * @param etaSeconds how long the remaining slots should take at the average pace so far (slots cut over per
 *     second since the start, paused time included, so a pause lengthens it); empty until a batch was cut over,
 *     and unless the resharding is running and not paused
 */
record ReshardingOverview(Optional<Ring> ring, Optional<Resharding> resharding, Resharding.Control control,
        Optional<Resharding.Progress> progress, Optional<Batch> inFlight, OptionalLong remainingSlots,
        OptionalLong etaSeconds) {

    /**
     * The batch in flight: its slots (all of one source and target, in one phase while the driver runs it) and
     * its target's latest report for exactly those slots.
     *
     * @param slots ascending
     */
    record Batch(int[] slots, SlotMigration first, Optional<ImportReport> report) {
    }

    /** Reads the overview now; {@code nowMillis} is the clock the ETA is measured against. */
    static ReshardingOverview read(RingStore rings, ReshardingStore state, ImportReports reports, long nowMillis) {
        Optional<Ring> ring = rings.read();
        Optional<Resharding> resharding = state.plan();
        Resharding.Control control = state.control();
        Optional<Resharding.Progress> progress = state.progress();
        Optional<Batch> inFlight = ring.filter(Ring::isMigrating).map(r -> {
            int[] slots = r.migratingSlots();
            SlotMigration first = r.migrationOf(slots[0]).orElseThrow();
            return new Batch(slots, first, reports.read(first.target().id(), first.source().id())
                    .filter(report -> report.slots().equals(SlotRanges.format(slots))));
        });
        OptionalLong remaining = OptionalLong.empty();
        OptionalLong eta = OptionalLong.empty();
        if (resharding.isPresent() && progress.isPresent()) {
            Resharding.Progress done = progress.get();
            if (done.status() == Resharding.Status.DONE) {
                remaining = OptionalLong.of(0);
            } else if (ring.isPresent()) {
                remaining = OptionalLong.of(ring.get().plan(resharding.get().shards()).moveCount());
            }
            long elapsed = nowMillis - resharding.get().createdAtMillis();
            if (remaining.isPresent() && done.status() == Resharding.Status.RUNNING
                    && control == Resharding.Control.RUNNING && done.slotsMoved() > 0 && elapsed > 0) {
                eta = OptionalLong.of(
                        (long) Math.ceil(remaining.getAsLong() * (elapsed / 1000.0) / done.slotsMoved()));
            }
        }
        return new ReshardingOverview(ring, resharding, control, progress, inFlight, remaining, eta);
    }

    /** Slots cut over plus slots remaining: what the progress bar runs to. Empty when remaining is. */
    OptionalLong totalSlots() {
        return remainingSlots.isPresent() && progress.isPresent()
                ? OptionalLong.of(progress.get().slotsMoved() + remainingSlots.getAsLong())
                : OptionalLong.empty();
    }

    /** Whether a resharding runs (paused counts). */
    boolean running() {
        return progress.map(p -> !p.finished()).orElse(false);
    }
}
