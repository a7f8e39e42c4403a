package dev.bookmarks.gateway.routing;

import java.net.URI;
import org.springframework.web.server.ServerWebExchange;

/**
 * Where the load balancer sent a request and by which ring: kept as the exchange attribute
 * {@link #ATTRIBUTE}, so that the signing filter signs the epoch the choice was made with, and a
 * 421 or a connection failure can say which shard it was.
 *
 * @param userId the user the path names, valid
 * @param slot the user's slot
 * @param shardId the shard that owns the slot at {@code epoch}
 * @param url the shard's address from the ring's directory
 * @param epoch the epoch of the ring the choice was made with
 */
public record ShardRoute(String userId, int slot, String shardId, URI url, long epoch) {

    /** The exchange attribute that holds the route of the current attempt. */
    public static final String ATTRIBUTE = ShardRoute.class.getName();

    /** The route of the exchange's current attempt, or null before the load balancer chose. */
    public static ShardRoute of(ServerWebExchange exchange) {
        return exchange.getAttribute(ATTRIBUTE);
    }
}
