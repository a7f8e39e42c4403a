package dev.bookmarks.registry;

import dev.bookmarks.ring.Ring;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * A watcher's view: the ring it holds, when Redis last confirmed that ring is current, and the
 * error that stops it from confirming, if any.
 *
 * @param ring the newest ring seen
 * @param signingKey the id of the trusted key that signed {@code ring}
 * @param changedAt when that ring was written, by Redis's clock
 * @param confirmedAt when a read of Redis last succeeded and agreed with {@code ring}
 * @param error what went wrong on the latest read, if it failed
 * @param errorSince when the current run of failed reads began
 */
public record RingStatus(Optional<Ring> ring, Optional<String> signingKey, Optional<Instant> changedAt,
        Optional<Instant> confirmedAt, Optional<String> error, Optional<Instant> errorSince) {

    static final RingStatus EMPTY = new RingStatus(Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty(), Optional.empty(), Optional.empty());

    /** Time since Redis last confirmed the ring: the ring's age. Empty before the first success. */
    public Optional<Duration> age(Instant now) {
        return confirmedAt.map(at -> Duration.between(at, now));
    }

    RingStatus confirmed(Instant at) {
        return new RingStatus(ring, signingKey, changedAt, Optional.of(at), Optional.empty(),
                Optional.empty());
    }

    RingStatus failed(String message, Instant at) {
        return new RingStatus(ring, signingKey, changedAt, confirmedAt, Optional.of(message),
                Optional.of(errorSince.orElse(at)));
    }
}
