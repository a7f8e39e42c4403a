package dev.bookmarks.registry;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Where a migration target tells the registry how its copy of some slots stands, in Redis beside the ring:
 * {@code P:migration:import:{target}:{source}}, written by the target after every step and read by the
 * registry's migration driver, which freezes the slots once the copy has caught up and cuts them over once
 * the target has drained and verified them. Each report lives for {@link #ttl()} unless written again, so a
 * target that died leaves no report for long, and the registry never mistakes an old one for news: a report
 * names the epoch of the ring it was made at.
 */
public final class ImportReports {

    private final StringRedisTemplate redis;
    private final RedisKeys keys;
    private final Duration ttl;

    public ImportReports(RedisConnectionFactory connections, RedisKeys keys, Duration ttl) {
        this.redis = new StringRedisTemplate(connections);
        this.keys = keys;
        this.ttl = ttl;
    }

    public Duration ttl() {
        return ttl;
    }

    public void write(ImportReport report) {
        redis.opsForValue().set(keys.importReport(report.target(), report.source()), report.toText(),
                ttl.toMillis(), TimeUnit.MILLISECONDS);
    }

    public Optional<ImportReport> read(String target, String source) {
        return Optional.ofNullable(redis.opsForValue().get(keys.importReport(target, source)))
                .flatMap(ImportReport::parse);
    }

    public void delete(String target, String source) {
        redis.delete(keys.importReport(target, source));
    }

    /**
     * Where a target's copy of the slots moving to it from one source stands.
     *
     * @param target the shard copying
     * @param source the shard copied from
     * @param slots the slots, as a set is written ({@code 0-15,40})
     * @param epoch the epoch of the ring the report was made at
     * @param phase how far the copy is
     * @param position the source's change-log position the copy reached
     * @param lag how many log entries (of any slot) the source had beyond it when last asked; -1 unknown
     * @param rowsCopied bookmarks and Idempotency-Key records copied
     * @param entriesReplayed log entries replayed
     * @param at when the report was made
     * @param detail what went wrong, or which users differ; empty when nothing did
     */
    public record ImportReport(String target, String source, String slots, long epoch, Phase phase, long position,
            long lag, long rowsCopied, long entriesReplayed, Instant at, String detail) {

        public ImportReport {
            if (slots.contains(" ") || target.contains(" ") || source.contains(" ")) {
                throw new IllegalArgumentException("ids and slot sets have no spaces");
            }
            detail = detail == null ? "" : detail.replace('\n', ' ');
        }

        String toText() {
            return String.join(" ", "v1", target, source, slots, Long.toString(epoch), phase.name(),
                    Long.toString(position), Long.toString(lag), Long.toString(rowsCopied),
                    Long.toString(entriesReplayed), Long.toString(at.toEpochMilli()), detail);
        }

        static Optional<ImportReport> parse(String text) {
            String[] parts = text.split(" ", 12);
            if (parts.length != 12 || !parts[0].equals("v1")) {
                return Optional.empty();
            }
            try {
                return Optional.of(new ImportReport(parts[1], parts[2], parts[3], Long.parseLong(parts[4]),
                        Phase.valueOf(parts[5]), Long.parseLong(parts[6]), Long.parseLong(parts[7]),
                        Long.parseLong(parts[8]), Long.parseLong(parts[9]), Instant.ofEpochMilli(Long.parseLong(parts[10])),
                        parts[11]));
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        }
    }

    /** How far a target's copy is. */
    public enum Phase {
        /** Copying the slots' rows. */
        COPYING,
        /** Replaying the source's log; {@code lag} says how far behind. */
        CATCHING_UP,
        /** The slots are frozen, the log replayed to their last position and both sides' digests match. */
        VERIFIED,
        /** Drained, but the digests differ: {@code detail} names users. The migration must not cut over. */
        MISMATCH,
        /** A step failed ({@code detail}); the target retries it. */
        FAILED
    }
}
