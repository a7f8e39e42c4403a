package dev.bookmarks.registry;

import dev.bookmarks.ring.ShardState;
import java.time.Clock;
import java.time.Instant;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * Health of the ring this process routes by: {@code DOWN} before any ring was loaded (nothing can
 * be routed), {@link #DEGRADED} while a ring is held but Redis cannot confirm it (Redis down or its
 * ring unreadable or not signed by a trusted key: requests are still served from the last ring),
 * {@code UP} otherwise. Details carry the epoch, the id of the key that signed the ring held, the
 * ring's age, the error and how many reads found a ring with a bad signature. Applications map
 * {@code DEGRADED} to HTTP 200 and order it between {@code OUT_OF_SERVICE} and {@code UP}, so that
 * Redis being down does not take serving replicas out of rotation.
 */
public final class RingHealthIndicator implements HealthIndicator {

    public static final Status DEGRADED = new Status("DEGRADED", "serving from the last ring Redis confirmed");

    private final RingWatcher watcher;
    private final Clock clock;

    public RingHealthIndicator(RingWatcher watcher, Clock clock) {
        this.watcher = watcher;
        this.clock = clock;
    }

    @Override
    public Health health() {
        RingStatus status = watcher.status();
        Instant now = clock.instant();
        Health.Builder health = status.ring().isEmpty() ? Health.down()
                : status.error().isPresent() ? Health.status(DEGRADED) : Health.up();
        status.ring().ifPresent(ring -> health
                .withDetail("epoch", ring.epoch())
                .withDetail("slotCount", ring.slotCount())
                .withDetail("shards", ring.shards().size())
                .withDetail("activeShards", ring.shards().stream().filter(s -> s.state() == ShardState.ACTIVE).count()));
        status.signingKey().ifPresent(key -> health.withDetail("signingKey", key));
        long refused = watcher.signatureFailures();
        if (refused > 0) {
            health.withDetail("signatureFailures", refused);
        }
        status.age(now).ifPresent(age -> health.withDetail("ageMillis", age.toMillis()));
        status.changedAt().ifPresent(at -> health.withDetail("changedAt", at.toString()));
        status.error().ifPresent(error -> health.withDetail("error", error));
        status.errorSince().ifPresent(since -> health.withDetail("errorSince", since.toString()));
        if (status.ring().isEmpty() && status.error().isEmpty()) {
            health.withDetail("error", "no ring loaded yet");
        }
        return health.build();
    }
}
