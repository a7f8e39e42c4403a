package dev.bookmarks.registry;

import dev.bookmarks.ring.InvalidUserIdException;
import dev.bookmarks.ring.Ring;
import dev.bookmarks.ring.Shard;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.http.HttpStatus;

/** {@code GET /actuator/route/{userId}}: where this process sends the user, by the ring it holds. */
@Endpoint(id = "route")
public final class RouteEndpoint {

    private final RingWatcher watcher;

    public RouteEndpoint(RingWatcher watcher) {
        this.watcher = watcher;
    }

    @ReadOperation
    public Route route(@Selector String userId) {
        Ring ring = watcher.current().orElseThrow(() -> Problems.of(HttpStatus.SERVICE_UNAVAILABLE,
                "No ring", "No ring has been loaded from Redis yet"));
        int slot;
        try {
            slot = ring.slotOf(userId);
        } catch (InvalidUserIdException e) {
            throw Problems.of(HttpStatus.BAD_REQUEST, "Invalid user ID", e.getMessage());
        }
        Shard shard = ring.ownerOfSlot(slot);
        return new Route(userId, slot, shard.id(), shard.url().toString(), ring.epoch());
    }

    /** A user's route as JSON. */
    public record Route(String userId, int slot, String shardId, String url, long epoch) {
    }
}
