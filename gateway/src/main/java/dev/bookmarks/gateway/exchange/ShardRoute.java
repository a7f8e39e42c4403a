package dev.bookmarks.gateway.exchange;

import java.net.URI;

/**
 * Where the load balancer sent a request and by which ring: kept on the exchange
 * ({@link ShardExchange#route}), so that the signing filter signs the epoch the choice was made with,
 * and a 421 or a connection failure can say which shard it was.
 *
 * @param userId the user the path names, valid
 * @param slot the user's slot
 * @param shardId the shard that owns the slot at {@code epoch}
 * @param url the shard's address from the ring's directory
 * @param epoch the epoch of the ring the choice was made with
 */
public record ShardRoute(String userId, int slot, String shardId, URI url, long epoch) {
}
