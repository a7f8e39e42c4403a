package dev.bookmarks.registry;

import dev.bookmarks.ring.Ring;
import dev.bookmarks.ring.Shard;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.http.HttpStatus;

/**
 * {@code GET /actuator/ring}: the ring this process holds (epoch, slot count, age, source error)
 * and per shard its directory entry, slots owned, share of the hash space, and liveness from the
 * heartbeats. Liveness is {@code null} ("unknown") while Redis cannot be asked.
 */
@Endpoint(id = "ring")
public final class RingEndpoint {

    private final RingWatcher watcher;
    private final Heartbeats heartbeats;
    private final Clock clock;

    public RingEndpoint(RingWatcher watcher, Heartbeats heartbeats, Clock clock) {
        this.watcher = watcher;
        this.heartbeats = heartbeats;
        this.clock = clock;
    }

    @ReadOperation
    public RingView ring() {
        RingStatus status = watcher.status();
        Ring ring = status.ring().orElseThrow(() -> Problems.of(HttpStatus.SERVICE_UNAVAILABLE,
                "No ring", "No ring has been loaded from Redis yet: " + status.error().orElse("waiting")));
        List<String> ids = ring.shards().stream().map(Shard::id).toList();
        Map<String, Heartbeats.Liveness> liveness;
        try {
            liveness = heartbeats.liveness(ids);
        } catch (RuntimeException e) {
            liveness = Map.of();
        }
        List<ShardView> shards = new ArrayList<>();
        for (Shard shard : ring.shards()) {
            int owned = ring.slotsOwnedBy(shard.id());
            Heartbeats.Liveness live = liveness.get(shard.id());
            shards.add(new ShardView(shard.id(), shard.url().toString(), shard.weight(), shard.state().name(),
                    owned, (double) owned / ring.slotCount(),
                    live == null ? null : live.alive(),
                    live == null || !live.alive() ? null : live.heartbeatAge().toMillis(),
                    live == null || !live.alive() ? null : live.startedAt()));
        }
        Instant now = clock.instant();
        return new RingView(ring.epoch(), ring.slotCount(), status.age(now).map(a -> a.toMillis()).orElse(null),
                status.changedAt().orElse(null), status.error().orElse(null), shards);
    }

    /** The ring as JSON. */
    public record RingView(long epoch, int slotCount, Long ageMillis, Instant changedAt, String error,
            List<ShardView> shards) {
    }

    /** One directory entry as JSON; the last three are null when liveness is unknown or the shard is dead. */
    public record ShardView(String id, String url, int weight, String state, int slotsOwned, double share,
            Boolean alive, Long heartbeatAgeMillis, Instant startedAt) {
    }
}
