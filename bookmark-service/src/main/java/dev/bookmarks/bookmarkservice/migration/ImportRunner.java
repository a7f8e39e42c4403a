package dev.bookmarks.bookmarkservice.migration;

import dev.bookmarks.registry.BackgroundTask;
import dev.bookmarks.registry.ImportReports;
import dev.bookmarks.registry.ImportReports.ImportReport;
import dev.bookmarks.registry.ImportReports.Phase;
import dev.bookmarks.registry.RingWatcher;
import dev.bookmarks.ring.MigrationPhase;
import dev.bookmarks.ring.Ring;
import dev.bookmarks.ring.Shard;
import dev.bookmarks.ring.SlotMigration;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The target's side of every migration the ring names: for each source with slots migrating to this shard, a
 * {@link SlotCopy} that copies them, then replays the source's log round after round while they are
 * {@link MigrationPhase#COPYING}, and once all of them are {@link MigrationPhase#FROZEN} drains the log to their
 * last position and compares the source's digest with its own. After every step it writes an
 * {@link ImportReport} to Redis, which is how the registry's driver learns that it may freeze (the copy is
 * {@link Phase#CATCHING_UP} with a small lag) or cut over ({@link Phase#VERIFIED} at the freezing epoch or later).
 *
 * <p>The ring is the only command: a copy starts when the ring shows slots moving here and is dropped when it
 * no longer does (cut over, or aborted: the rows of an aborted copy are the {@link OrphanSweeper}'s). Nothing is
 * kept across a restart: a target that starts again copies again, which the upserts make harmless. A failed step
 * is reported ({@link Phase#FAILED}) and tried again on the next tick; a source whose log no longer reaches the
 * copy's position makes the copy start over.
 *
 * <p>One thread for all copies: copies are throttled anyway, and the step of one never races another's.
 */
public final class ImportRunner extends BackgroundTask {

    private static final Logger log = LoggerFactory.getLogger(ImportRunner.class);

    private final RingWatcher watcher;
    private final String shardId;
    private final ImportReports reports;
    private final BiFunction<Shard, SlotSet, SlotCopy> copies;
    private final Duration tick;
    private final Duration recordsCompared;
    private final LocalDigests digests;
    private final Clock clock;
    /** By source id; touched by the task's thread only. */
    private final Map<String, Job> jobs = new HashMap<>();

    /** This shard's digest of a slot set, as {@code MigrationSource#digest} computes it. */
    @FunctionalInterface
    interface LocalDigests {
        SlotDigest of(SlotSet slots, int slotCount, Instant recordsSince);
    }

    /**
     * @param copies makes the copy of a slot set from a source
     * @param tick how long the runner waits between steps
     * @param recordsCompared Idempotency-Key records stored longer ago than this are left out of the comparison
     *     (see {@link SlotDigest}): the records' retention, less a margin for the comparison to run in
     */
    ImportRunner(RingWatcher watcher, String shardId, ImportReports reports, BiFunction<Shard, SlotSet, SlotCopy> copies,
            LocalDigests digests, Duration tick, Duration recordsCompared, Clock clock) {
        super("migration-import");
        this.watcher = watcher;
        this.shardId = shardId;
        this.reports = reports;
        this.copies = copies;
        this.digests = digests;
        this.tick = tick;
        this.recordsCompared = recordsCompared;
        this.clock = clock;
    }

    @Override
    protected void schedule(ScheduledExecutorService executor) {
        executor.scheduleWithFixedDelay(this::step, 0, tick.toMillis(), TimeUnit.MILLISECONDS);
        // A new ring may freeze slots: their writes wait for the drain, so it starts now, not at the next tick.
        watcher.addListener(ring -> {
            if (isRunning()) {
                try {
                    executor.execute(this::step);
                } catch (java.util.concurrent.RejectedExecutionException stopped) {
                    // Stopping: no step is owed.
                }
            }
        });
    }

    /** One step of every copy the ring asks for; never throws (the next tick tries again). */
    void step() {
        try {
            watcher.current().ifPresent(this::step);
        } catch (RuntimeException e) {
            log.warn("migration import step failed; the next tick tries again", e);
        }
    }

    private void step(Ring ring) {
        Map<String, Incoming> incoming = incoming(ring);
        jobs.keySet().removeIf(source -> {
            Incoming now = incoming.get(source);
            boolean gone = now == null || !now.slots().equals(jobs.get(source).slots);
            if (gone) {
                log.info("the ring moves slots {} from {} here no more (cut over or aborted)",
                        jobs.get(source).slots, source);
                reports.delete(shardId, source);
            }
            return gone;
        });
        for (Incoming in : incoming.values()) {
            Job job = jobs.computeIfAbsent(in.source().id(), id -> new Job(in, copies.apply(in.source(), in.slots())));
            job.step(ring, in.allFrozen());
        }
    }

    /** The slots migrating here, by source, with whether all of a source's are frozen. */
    private Map<String, Incoming> incoming(Ring ring) {
        Map<String, List<SlotMigration>> bySource = new TreeMap<>();
        for (int slot : ring.migratingSlots()) {
            SlotMigration migration = ring.migrationOf(slot).orElseThrow();
            if (migration.target().id().equals(shardId)) {
                bySource.computeIfAbsent(migration.source().id(), id -> new ArrayList<>()).add(migration);
            }
        }
        Map<String, Incoming> incoming = new HashMap<>();
        bySource.forEach((source, migrations) -> {
            SlotSet set = SlotSet.of(migrations.stream().mapToInt(SlotMigration::slot).toArray(), ring.slotCount());
            incoming.put(source, new Incoming(migrations.get(0).source(), set,
                    migrations.stream().allMatch(m -> m.phase() == MigrationPhase.FROZEN)));
        });
        return incoming;
    }

    private record Incoming(Shard source, SlotSet slots, boolean allFrozen) {
    }

    /** One source's copy and where it stands. */
    private final class Job {

        final Shard source;
        final SlotSet slots;
        final SlotCopy copy;
        Phase phase = Phase.COPYING;
        long position = -1;
        String detail = "";
        long verifiedAt;

        Job(Incoming in, SlotCopy copy) {
            this.source = in.source();
            this.slots = in.slots();
            this.copy = copy;
        }

        void step(Ring ring, boolean frozen) {
            try {
                if (position < 0) {
                    report(ring, Phase.COPYING, "");
                    position = copy.copy();
                    phase = Phase.CATCHING_UP;
                }
                if (phase == Phase.VERIFIED || phase == Phase.MISMATCH) {
                    report(ring, phase, detail);
                    return;
                }
                if (!frozen) {
                    position = copy.catchUp(position);
                    report(ring, Phase.CATCHING_UP, "");
                    return;
                }
                position = copy.drain(position, ring.epoch());
                Instant since = clock.instant().minus(recordsCompared);
                SlotDigest theirs = copy.sourceDigest(since);
                SlotDigest mine = digests.of(slots, ring.slotCount(), since);
                verifiedAt = ring.epoch();
                if (mine.matches(theirs)) {
                    phase = Phase.VERIFIED;
                    detail = "";
                    log.info("slots {} from {} drained to position {} and verified: {} users, {} bookmarks, {} records",
                            slots, source.id(), position, mine.users(), mine.bookmarks(), mine.records());
                } else {
                    phase = Phase.MISMATCH;
                    List<String> users = mine.usersDifferingFrom(theirs);
                    detail = "digests differ: " + mine.bookmarks() + " bookmarks here, " + theirs.bookmarks() + " at "
                            + source.id() + "; users " + users.subList(0, Math.min(20, users.size()));
                    log.error("slots {} from {}: {}", slots, source.id(), detail);
                }
                report(ring, phase, detail);
            } catch (SourceClient.LogTruncatedException e) {
                log.warn("the log of {} no longer reaches position {}; copying slots {} again", source.id(), position,
                        slots);
                position = -1;
                phase = Phase.COPYING;
                report(ring, Phase.FAILED, e.getMessage());
            } catch (RuntimeException e) {
                log.warn("copying slots {} from {} failed; the next tick tries again: {}", slots, source.id(),
                        e.getMessage());
                report(ring, Phase.FAILED, e.getMessage());
            }
        }

        private void report(Ring ring, Phase now, String why) {
            SlotCopy.Progress progress = copy.progress();
            reports.write(new ImportReport(shardId, source.id(), slots.toString(),
                    now == Phase.VERIFIED || now == Phase.MISMATCH ? verifiedAt : ring.epoch(), now,
                    progress.position(), progress.lag(), progress.bookmarksCopied() + progress.recordsCopied(),
                    progress.entriesReplayed(), clock.instant(), why));
        }
    }
}
