package dev.bookmarks.bookmarkservice.ownership;

import dev.bookmarks.bookmarkservice.Problems;
import dev.bookmarks.bookmarkservice.ShardProperties;
import dev.bookmarks.bookmarkservice.security.GatewayIdentity;
import dev.bookmarks.protocol.ApiPaths;
import dev.bookmarks.protocol.GatewayHeaders;
import dev.bookmarks.protocol.ShardHeaders;
import dev.bookmarks.registry.RingWatcher;
import dev.bookmarks.ring.InvalidUserIdException;
import dev.bookmarks.ring.Ring;
import dev.bookmarks.ring.SlotMigration;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Serves a user only if this shard owns the user's slot in the ring it holds; otherwise answers
 * 421 Misdirected Request with its epoch (body {@code epoch}, header {@code X-Bookmarks-Epoch}),
 * so that a gateway with an older ring refreshes it and retries, and a stale gateway never writes
 * to the wrong shard. A write (any method but GET and HEAD) to a slot frozen for its cutover is answered
 * 503 with {@code Retry-After} ({@code bookmarks.shard.ownership.frozen-retry-after}); reads go on. Both are
 * decided again where a write commits ({@code ChangeLog}'s write fence), for a request that passes here
 * just before the ring changes. When the gateway routed by a newer epoch than this shard holds, the shard
 * reads Redis once before deciding (waiting at most {@code bookmarks.shard.ownership.refresh-wait}), since it
 * may be the one that is behind.
 */
public final class SlotOwnershipFilter extends OncePerRequestFilter {

    private final RingWatcher watcher;
    private final String shardId;
    private final long refreshMillis;
    private final String noRingRetryAfter;
    private final String frozenRetryAfter;

    public SlotOwnershipFilter(RingWatcher watcher, String shardId, ShardProperties.Ownership settings) {
        this.watcher = watcher;
        this.shardId = shardId;
        this.refreshMillis = settings.refreshWait().toMillis();
        this.noRingRetryAfter = Long.toString(settings.noRingRetryAfter().toSeconds());
        this.frozenRetryAfter = Long.toString(settings.frozenRetryAfter().toSeconds());
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return ApiPaths.userSegment(request.getRequestURI()) == null;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String userId = ApiPaths.userSegment(request.getRequestURI());
        GatewayIdentity identity = GatewayIdentity.of(request);
        Optional<Ring> ring = watcher.current();
        if (ring.isPresent() && identity != null && identity.epoch() > ring.get().epoch()) {
            ring = refreshed(ring);
        }
        if (ring.isEmpty()) {
            response.setHeader("Retry-After", noRingRetryAfter);
            Problems.write(response, HttpStatus.SERVICE_UNAVAILABLE, "No ring yet",
                    "this shard has not loaded the ring, so it cannot tell whose data it holds");
            return;
        }
        String owner;
        try {
            owner = ring.get().ownerOf(userId).id();
        } catch (InvalidUserIdException e) {
            // The controller answers it as a 400 naming the field.
            chain.doFilter(request, response);
            return;
        }
        if (!owner.equals(shardId)) {
            long epoch = ring.get().epoch();
            response.setHeader(GatewayHeaders.EPOCH, Long.toString(epoch));
            Problems.write(response, HttpStatus.MISDIRECTED_REQUEST, "Not this shard's user",
                    "at epoch " + epoch + " this user's slot " + ring.get().slotOf(userId) + " belongs to " + owner,
                    Map.of("epoch", epoch, "shardId", shardId));
            return;
        }
        int slot = ring.get().slotOf(userId);
        Optional<SlotMigration> migration = ring.get().migrationOf(slot);
        if (migration.isPresent() && !migration.get().sourceAcceptsWrites() && !isRead(request)) {
            long epoch = ring.get().epoch();
            response.setHeader("Retry-After", frozenRetryAfter);
            response.setHeader(GatewayHeaders.EPOCH, Long.toString(epoch));
            response.setHeader(ShardHeaders.SLOT_MOVING, Integer.toString(slot));
            Problems.write(response, HttpStatus.SERVICE_UNAVAILABLE, "Slot moving",
                    "at epoch " + epoch + " this user's slot " + slot + " is frozen while it moves to "
                            + migration.get().target().id() + "; writes resume in a moment",
                    Map.of("epoch", epoch, "shardId", shardId));
            return;
        }
        chain.doFilter(request, response);
    }

    private static boolean isRead(HttpServletRequest request) {
        return "GET".equals(request.getMethod()) || "HEAD".equals(request.getMethod());
    }

    private Optional<Ring> refreshed(Optional<Ring> held) {
        try {
            return watcher.refresh().get(refreshMillis, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            return held;
        }
    }
}
