package dev.bookmarks.gateway.resilience;

import dev.bookmarks.gateway.GatewayFilterOrder;
import dev.bookmarks.gateway.ShardFailures;
import dev.bookmarks.gateway.exchange.ShardExchange;
import dev.bookmarks.gateway.exchange.ShardRoute;
import dev.bookmarks.protocol.ShardHeaders;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.filter.ReactiveLoadBalancerClientFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Guards each attempt with the circuit breaker of the shard the load balancer chose. It runs after
 * {@link ReactiveLoadBalancerClientFilter}, so the {@link ShardRoute} (and with it the shard id) is
 * known, and before the signing filter and the HTTP client, so a refused attempt costs no signature
 * and no connection: an open breaker answers 503 with {@code Retry-After} at once.
 *
 * <p>Counted as failures: connect failures, timeouts, a connection closed or reset before the answer, and
 * the answers that say the shard (or what stands in front of it) is unavailable: 502, 503, 504, except a
 * 503 that names a slot moving ({@link ShardHeaders#SLOT_MOVING}): a write waiting for its slot's cutover,
 * from a shard that serves everything else (counted as failures, a resharding's freezes would open the
 * source's breaker and refuse all its users, reads too). Any other answer is a success: the shard is working. That includes a 4xx (421 too) and a 500, which
 * is one request's fault (a bug its input hit), so that no user can open a shard's breaker for
 * everyone else by sending requests that fail. An attempt
 * that ends otherwise (an error of the gateway's own, or the client going away) gives its permission
 * back without being counted. The duration is the time to the shard's response headers.
 */
public final class ShardCircuitBreakerFilter implements GlobalFilter, Ordered {

    /** After the load balancer, before {@code IdentitySigningFilter} (balancer + 10). */
    public static final int ORDER = GatewayFilterOrder.SHARD_CIRCUIT_BREAKER;

    private final ShardCircuitBreakers breakers;

    public ShardCircuitBreakerFilter(ShardCircuitBreakers breakers) {
        this.breakers = breakers;
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        ShardRoute route = ShardExchange.route(exchange);
        if (route == null) {
            return chain.filter(exchange);
        }
        CircuitBreaker breaker = breakers.forShard(route.shardId());
        if (!breaker.tryAcquirePermission()) {
            return Mono.error(breakers.open(route.shardId()));
        }
        long start = breaker.getCurrentTimestamp();
        AtomicBoolean recorded = new AtomicBoolean();
        return chain.filter(exchange)
                .doOnSuccess(done -> {
                    if (recorded.compareAndSet(false, true)) {
                        long duration = breaker.getCurrentTimestamp() - start;
                        HttpStatusCode status = exchange.getResponse().getStatusCode();
                        boolean fromShard = ShardExchange.isShardAnswer(exchange);
                        if (fromShard && status != null && isUnavailable(status)
                                && !exchange.getResponse().getHeaders().containsHeader(ShardHeaders.SLOT_MOVING)) {
                            breaker.onError(duration, breaker.getTimestampUnit(),
                                    new ShardErrorStatusException(route.shardId(), status.value()));
                        } else {
                            breaker.onSuccess(duration, breaker.getTimestampUnit());
                        }
                    }
                })
                .doOnError(error -> {
                    if (recorded.compareAndSet(false, true)) {
                        if (ShardFailures.isShardFailure(error)) {
                            breaker.onError(breaker.getCurrentTimestamp() - start, breaker.getTimestampUnit(), error);
                        } else {
                            breaker.releasePermission();
                        }
                    }
                })
                .doOnCancel(() -> {
                    if (recorded.compareAndSet(false, true)) {
                        breaker.releasePermission();
                    }
                });
    }

    /** Whether a shard's answer says it cannot serve now (502, 503, 504), rather than that one request failed. */
    static boolean isUnavailable(HttpStatusCode status) {
        int code = status.value();
        return code == 502 || code == 503 || code == 504;
    }

    /** What the breaker records for an "unavailable" answer. */
    static final class ShardErrorStatusException extends RuntimeException {

        ShardErrorStatusException(String shardId, int status) {
            super("shard " + shardId + " answered " + status, null, false, false);
        }
    }
}
