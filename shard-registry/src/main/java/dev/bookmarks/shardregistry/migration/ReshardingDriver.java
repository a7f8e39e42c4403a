package dev.bookmarks.shardregistry.migration;

import dev.bookmarks.registry.BackgroundTask;
import dev.bookmarks.registry.ImportReports;
import dev.bookmarks.registry.ImportReports.ImportReport;
import dev.bookmarks.registry.ImportReports.Phase;
import dev.bookmarks.registry.RingSigner;
import dev.bookmarks.registry.RingStore;
import dev.bookmarks.registry.RingStore.WriteResult;
import dev.bookmarks.ring.MigrationPhase;
import dev.bookmarks.ring.MovePlan;
import dev.bookmarks.ring.Ring;
import dev.bookmarks.ring.SlotMigration;
import dev.bookmarks.ring.SlotRanges;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives a {@link Resharding} one step at a time, each step decided afresh from what Redis holds (the ring, the
 * resharding's state, the targets' {@link ImportReport}s), so that a registry killed at any point resumes where
 * it stopped and a step taken twice is harmless: every ring change is a compare-and-set on the epoch it read.
 *
 * <p>A batch: the driver plans the ring towards the resharding's directory and starts the first
 * {@code batchSlots} slots of one source-target pair ({@link Ring#startMigration}); once the target reports it
 * is catching up at that epoch with a lag of at most {@code maxLag}, it freezes them; once the target reports
 * them {@link Phase#VERIFIED} (drained and compared at the freezing epoch), it cuts them over and records the
 * write pause, freeze to cutover. A {@link Phase#MISMATCH} aborts the batch and stops the resharding; a freeze
 * that outlasts {@code freezeTimeoutMillis} (the target died, say) aborts the batch, so writes resume, and it is
 * tried again. When the plan moves nothing more, the resharding is done; a drained shard then owns nothing and
 * may be removed from the directory, which moves no slot. The phases are those of MongoDB's chunk migration and
 * Vitess's MoveTables: copy, catch up, a short critical section, switch.
 */
public final class ReshardingDriver extends BackgroundTask {

    /** The timer of write pauses, freeze to cutover, one per batch cut over by this registry. */
    static final String WRITE_PAUSE = "bookmarks.resharding.write.pause";

    private static final Logger log = LoggerFactory.getLogger(ReshardingDriver.class);

    private final RingStore ring;
    private final RingSigner signer;
    private final ReshardingStore state;
    private final ImportReports reports;
    private final Duration tick;
    private final Clock clock;
    private final Timer pauses;

    ReshardingDriver(RingStore ring, RingSigner signer, ReshardingStore state, ImportReports reports, Duration tick,
            Clock clock, MeterRegistry meters) {
        super("resharding");
        this.ring = ring;
        this.signer = signer;
        this.state = state;
        this.reports = reports;
        this.tick = tick;
        this.clock = clock;
        this.pauses = Timer.builder(WRITE_PAUSE)
                .description("Write pauses of the resharding's batches, freeze to cutover, cut over by this registry")
                .publishPercentileHistogram().register(meters);
    }

    @Override
    protected void schedule(ScheduledExecutorService executor) {
        executor.scheduleWithFixedDelay(this::stepQuietly, 0, tick.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void stepQuietly() {
        try {
            step();
        } catch (RuntimeException e) {
            log.warn("resharding step failed; the next tick tries again", e);
        }
    }

    /** Takes the one step the state in Redis calls for, if any. */
    synchronized void step() {
        Optional<Resharding> plan = state.plan();
        Optional<Resharding.Progress> progress = state.progress();
        if (plan.isEmpty() || progress.isEmpty() || progress.get().finished()) {
            return;
        }
        Optional<Ring> held = ring.read();
        if (held.isEmpty()) {
            return;
        }
        step(plan.get(), state.control(), progress.get(), held.get());
    }

    private void step(Resharding plan, Resharding.Control control, Resharding.Progress progress, Ring now) {
        long at = clock.millis();
        int[] migrating = now.migratingSlots();
        if (control == Resharding.Control.ABORTING) {
            if (migrating.length > 0 && !write(now, r -> r.abort(migrating))) {
                return;
            }
            state.write(progress.ended(Resharding.Status.STOPPED, "aborted by an operator", at));
            log.info("resharding {} aborted by an operator; {} slots returned to their sources", plan.id(),
                    migrating.length);
            return;
        }
        if (migrating.length > 0) {
            inFlight(plan, control, progress, now, migrating, at);
            return;
        }
        if (control == Resharding.Control.PAUSED) {
            state.write(progress.waiting("paused", at));
            return;
        }
        MovePlan moves = now.plan(plan.shards());
        if (moves.isEmpty()) {
            state.write(progress.ended(Resharding.Status.DONE, "", at));
            log.info("resharding {} done: {} slots in {} batches", plan.id(), progress.slotsMoved(),
                    progress.batches());
            return;
        }
        MovePlan.Transfer pair = moves.transfers().get(0);
        int[] batch = moves.moves().stream()
                .filter(m -> m.from().equals(pair.from()) && m.to().equals(pair.to()))
                .limit(plan.batchSlots()).mapToInt(MovePlan.Move::slot).toArray();
        if (write(now, r -> r.startMigration(moves, batch))) {
            state.write(progress.batchStarted(at));
            log.info("resharding {}: {} slots start moving from {} to {}", plan.id(), batch.length, pair.from(),
                    pair.to());
        }
    }

    private void inFlight(Resharding plan, Resharding.Control control, Resharding.Progress progress, Ring now,
            int[] migrating, long at) {
        SlotMigration first = now.migrationOf(migrating[0]).orElseThrow();
        String source = first.source().id();
        String target = first.target().id();
        boolean frozen = Arrays.stream(migrating)
                .allMatch(slot -> now.migrationOf(slot).orElseThrow().phase() == MigrationPhase.FROZEN);
        Optional<ImportReport> report = reports.read(target, source)
                .filter(r -> r.slots().equals(SlotRanges.format(migrating)));
        if (!frozen) {
            if (control == Resharding.Control.PAUSED) {
                state.write(progress.waiting("paused; " + migrating.length + " slots keep copying", at));
                return;
            }
            boolean ready = report.filter(r -> r.phase() == Phase.CATCHING_UP && r.epoch() == now.epoch()
                    && r.lag() >= 0 && r.lag() <= plan.maxLag()).isPresent();
            if (ready && write(now, r -> r.freeze(migrating))) {
                state.write(progress.frozen(at));
            } else if (!ready) {
                state.write(progress.waiting(report.map(r -> r.phase() + (r.detail().isEmpty() ? "" : ": "
                        + r.detail())).orElse("waiting for " + target + " to report"), at));
            }
            return;
        }
        if (report.filter(r -> r.phase() == Phase.VERIFIED && r.epoch() >= now.epoch()).isPresent()) {
            long rows = report.get().rowsCopied();
            if (write(now, r -> r.cutover(migrating))) {
                Resharding.Progress next = progress.cutOver(migrating.length, rows, at);
                state.write(next);
                pauses.record(next.pausesMillis().get(next.pausesMillis().size() - 1), TimeUnit.MILLISECONDS);
                reports.delete(target, source);
                log.info("resharding {}: {} slots cut over from {} to {}, writes paused {} ms", plan.id(),
                        migrating.length, source, target, next.pausesMillis().get(next.pausesMillis().size() - 1));
            }
            return;
        }
        if (report.filter(r -> r.phase() == Phase.MISMATCH && r.epoch() >= now.epoch()).isPresent()) {
            if (write(now, r -> r.abort(migrating))) {
                String why = Resharding.Progress.VERIFICATION_FAILED + " for slots " + report.get().slots() + " from " + source + " to "
                        + target + ": " + report.get().detail();
                state.write(progress.ended(Resharding.Status.STOPPED, why, at));
                log.error("resharding {} stopped: {}", plan.id(), why);
            }
            return;
        }
        long frozenAt = progress.frozenAtMillis() == 0 ? at : progress.frozenAtMillis();
        if (progress.frozenAtMillis() == 0) {
            // Frozen by a registry that died before it wrote down when: the clock starts now.
            state.write(progress.frozen(at));
        }
        if (at - frozenAt > plan.freezeTimeoutMillis() && write(now, r -> r.abort(migrating))) {
            state.write(progress.freezeTimedOut(at));
            log.warn("resharding {}: slots {} stayed frozen over {} ms waiting for {}; aborted, to be tried again",
                    plan.id(), SlotRanges.format(migrating), plan.freezeTimeoutMillis(), target);
        }
    }

    /** Writes {@code change} of {@code now} as the next epoch; false if another writer came first. */
    private boolean write(Ring now, UnaryOperator<Ring> change) {
        WriteResult result = ring.compareAndSet(now.epoch(), change.apply(now), signer);
        return result instanceof WriteResult.Written;
    }
}
