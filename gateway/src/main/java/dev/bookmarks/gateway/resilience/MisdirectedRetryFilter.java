package dev.bookmarks.gateway.resilience;

import dev.bookmarks.gateway.GatewayFilterOrder;
import dev.bookmarks.gateway.Problems;
import dev.bookmarks.gateway.exchange.ShardExchange;
import dev.bookmarks.gateway.exchange.ShardRoute;
import dev.bookmarks.protocol.GatewayHeaders;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.filter.RouteToRequestUrlFilter;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * When a shard answers 421 Misdirected Request (it does not own the user's slot at its epoch), reads
 * the ring from Redis at once and sends the request again, once, to whichever shard the fresh ring
 * names. A shard answers 421 before it does anything, so the retry is safe for every method. A second
 * 421 means the gateway and the shards do not agree yet (a change is still propagating): the client
 * gets a 503 with {@code Retry-After}, never a request to a shard that might not hold its data.
 *
 * <p>Ordered after Spring Cloud Gateway's {@code NettyWriteResponseFilter} (-1), which writes the
 * shard's body only after this filter has decided, and before {@code RouteToRequestUrlFilter}
 * ({@value RouteToRequestUrlFilter#ROUTE_TO_URL_FILTER_ORDER}), so that the retry starts again from
 * {@code lb://} and goes through the load balancer and the signing filter with the new ring.
 *
 * <p>The request body is held in memory so that it can be sent twice (by {@link ShardRetryFilter}, in
 * front of this filter, or else by this one), which is why the gateway needs its body-size limit
 * (64 KiB, docs/architecture.md, "Limits") in front of this filter.
 */
final class MisdirectedRetryFilter implements GlobalFilter, Ordered {

    /** {@link GatewayFilterOrder#MISDIRECTED_RETRY}: just before {@code RouteToRequestUrlFilter}. */
    public static final int ORDER = GatewayFilterOrder.MISDIRECTED_RETRY;

    private static final Logger log = LoggerFactory.getLogger(MisdirectedRetryFilter.class);
    private static final HttpStatusCode MISDIRECTED = HttpStatus.MISDIRECTED_REQUEST;

    private final Supplier<? extends CompletableFuture<?>> refreshRing;
    private final Duration refreshTimeout;
    private final String retryAfterSeconds;
    private final Runnable onRetry;

    /**
     * @param refreshRing starts a read of the ring from Redis, for example {@code RingWatcher::refresh}
     * @param refreshTimeout how long to wait for that read; the retry goes ahead with the ring held
     *     when it has not finished by then
     * @param retryAfterSeconds the {@code Retry-After} of the 503 after a second 421
     * @param onRetry called for each retry after a 421 (to count it and charge it to the retry budget;
     *     it is never refused by the budget: see {@link ShardRetryFilter#onMisdirectedRetry})
     */
    MisdirectedRetryFilter(Supplier<? extends CompletableFuture<?>> refreshRing, Duration refreshTimeout,
            String retryAfterSeconds, Runnable onRetry) {
        this.refreshRing = refreshRing;
        this.refreshTimeout = refreshTimeout;
        this.retryAfterSeconds = retryAfterSeconds;
        this.onRetry = onRetry;
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        if (ShardExchange.isBodyHeld(exchange)) {
            return attempt(exchange, chain);
        }
        // A body can be read once from the client; keep it so the retry can send it again.
        return ServerWebExchangeUtils.cacheRequestBody(exchange,
                request -> attempt(exchange.mutate().request(request).build(), chain));
    }

    private Mono<Void> attempt(ServerWebExchange exchange, GatewayFilterChain chain) {
        return chain.filter(exchange).then(Mono.defer(() -> {
            ShardRoute first = misdirected(exchange);
            if (first == null) {
                return Mono.empty();
            }
            String shardEpoch = exchange.getResponse().getHeaders().getFirst(GatewayHeaders.EPOCH);
            ShardRetryFilter.discardShardAnswer(exchange);
            log.info("Shard {} refused user slot {} routed by epoch {} (its epoch: {}); re-reading the ring and"
                    + " retrying once", first.shardId(), first.slot(), first.epoch(), shardEpoch);
            onRetry.run();
            return refreshRing().then(Mono.defer(() -> chain.filter(exchange))).then(Mono.defer(() -> {
                ShardRoute second = misdirected(exchange);
                if (second == null) {
                    return Mono.empty();
                }
                ShardRetryFilter.discardShardAnswer(exchange);
                log.warn("Shard {} also refused slot {} at epoch {}; answering 503", second.shardId(),
                        second.slot(), second.epoch());
                return Mono.error(Problems.unavailable("Shard ownership is changing",
                        "the shards are taking over a new ring; try again shortly", retryAfterSeconds));
            }));
        }));
    }

    /** The route of an attempt that a shard answered with 421, else null. */
    private static ShardRoute misdirected(ServerWebExchange exchange) {
        HttpStatusCode status = exchange.getResponse().getStatusCode();
        boolean fromShard = ShardExchange.isShardAnswer(exchange);
        return fromShard && MISDIRECTED.equals(status) ? ShardExchange.route(exchange) : null;
    }

    private Mono<Void> refreshRing() {
        return Mono.fromFuture(refreshRing).timeout(refreshTimeout)
                .doOnError(e -> log.warn("Re-reading the ring did not finish within {}: {}", refreshTimeout,
                        e.toString()))
                .onErrorResume(e -> Mono.empty())
                .then();
    }
}
