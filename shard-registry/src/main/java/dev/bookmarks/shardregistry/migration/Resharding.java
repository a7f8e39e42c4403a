package dev.bookmarks.shardregistry.migration;

import dev.bookmarks.ring.Shard;
import java.util.List;

/**
 * A resharding an operator started: the directory to reach and how to get there. It does not change once
 * started; {@link Control} says whether it may go on, {@link Progress} how far it went.
 *
 * @param id names the resharding in reports and logs
 * @param shards the directory to reach, every shard with its url, weight and state ({@code DRAINING} for one to
 *     empty)
 * @param batchSlots how many slots move together, in [1, 4096]: one copy, one freeze, one cutover each
 * @param maxLag the most log entries a target may be behind its source for its slots to be frozen, in [0, 1000000]
 * @param freezeTimeoutMillis how long slots may stay frozen before the batch is aborted (its writes resume, and it
 *     is tried again), in [1000, 600000]
 * @param createdAtMillis when it was started
 */
record Resharding(String id, List<Shard> shards, int batchSlots, long maxLag, long freezeTimeoutMillis,
        long createdAtMillis) {

    Resharding {
        shards = List.copyOf(shards);
        if (batchSlots < 1 || batchSlots > 4096) {
            throw new IllegalArgumentException("batchSlots must be in [1, 4096]: " + batchSlots);
        }
        if (maxLag < 0 || maxLag > 1_000_000) {
            throw new IllegalArgumentException("maxLag must be in [0, 1000000]: " + maxLag);
        }
        if (freezeTimeoutMillis < 1000 || freezeTimeoutMillis > 600_000) {
            throw new IllegalArgumentException("freezeTimeoutMillis must be in [1000, 600000]: " + freezeTimeoutMillis);
        }
    }

    /** Whether the operator lets a resharding go on. */
    enum Control {
        /** Batches start, freeze and cut over. */
        RUNNING,
        /** No batch starts or freezes; a frozen batch still cuts over, so writes are never held. */
        PAUSED,
        /** The batch in flight is aborted and nothing more starts. */
        ABORTING
    }

    /** Where a resharding stands. */
    enum Status {
        RUNNING,
        /** The ring reached the directory asked for. */
        DONE,
        /** Aborted by the operator, or stopped by a verification that failed ({@code reason}). */
        STOPPED
    }

    /**
     * How far a resharding went, written by the driver after every step it takes.
     *
     * @param status where it stands
     * @param reason why it stopped, or what it waits for; empty when nothing to say
     * @param batches batches cut over
     * @param slotsMoved slots cut over
     * @param rowsCopied rows the targets copied for the batches cut over
     * @param batchStartedAtMillis when the batch in flight started copying; 0 with none in flight
     * @param frozenAtMillis when the batch in flight was frozen; 0 while it is not
     * @param freezeTimeouts batches aborted because they stayed frozen too long, and tried again
     * @param pausesMillis the write pause of each batch cut over, freeze to cutover, the latest 1000
     * @param updatedAtMillis when it was last written
     */
    record Progress(Status status, String reason, int batches, int slotsMoved, long rowsCopied,
            long batchStartedAtMillis, long frozenAtMillis, int freezeTimeouts, List<Long> pausesMillis,
            long updatedAtMillis) {

        static final int PAUSES_KEPT = 1000;

        /** How the reason of a resharding stopped by a failed verification begins. */
        static final String VERIFICATION_FAILED = "verification failed";

        Progress {
            reason = reason == null ? "" : reason;
            pausesMillis = List.copyOf(pausesMillis);
        }

        static Progress started(long now) {
            return new Progress(Status.RUNNING, "", 0, 0, 0, 0, 0, 0, List.of(), now);
        }

        Progress waiting(String why, long now) {
            return new Progress(status, why, batches, slotsMoved, rowsCopied, batchStartedAtMillis, frozenAtMillis,
                    freezeTimeouts, pausesMillis, now);
        }

        Progress batchStarted(long now) {
            return new Progress(status, "copying", batches, slotsMoved, rowsCopied, now, 0, freezeTimeouts,
                    pausesMillis, now);
        }

        Progress frozen(long now) {
            return new Progress(status, "frozen", batches, slotsMoved, rowsCopied, batchStartedAtMillis, now,
                    freezeTimeouts, pausesMillis, now);
        }

        Progress cutOver(int slots, long rows, long now) {
            List<Long> pauses = new java.util.ArrayList<>(pausesMillis);
            pauses.add(now - frozenAtMillis);
            if (pauses.size() > PAUSES_KEPT) {
                pauses = pauses.subList(pauses.size() - PAUSES_KEPT, pauses.size());
            }
            return new Progress(status, "", batches + 1, slotsMoved + slots, rowsCopied + rows, 0, 0,
                    freezeTimeouts, pauses, now);
        }

        Progress freezeTimedOut(long now) {
            return new Progress(status, "a freeze timed out; the batch is tried again", batches, slotsMoved,
                    rowsCopied, 0, 0, freezeTimeouts + 1, pausesMillis, now);
        }

        Progress ended(Status end, String why, long now) {
            return new Progress(end, why, batches, slotsMoved, rowsCopied, 0, 0, freezeTimeouts, pausesMillis, now);
        }

        boolean finished() {
            return status != Status.RUNNING;
        }

        /** Whether a verification found source and target differ, and stopped the resharding. */
        boolean verificationFailed() {
            return status == Status.STOPPED && reason.startsWith(VERIFICATION_FAILED);
        }
    }
}
