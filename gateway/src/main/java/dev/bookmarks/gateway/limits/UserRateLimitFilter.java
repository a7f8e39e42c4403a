package dev.bookmarks.gateway.limits;

import dev.bookmarks.gateway.GatewayFilterOrder;
import dev.bookmarks.gateway.Problems;
import dev.bookmarks.gateway.exchange.ShardExchange;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * The per-user rate limit: a token bucket per authenticated user, the token's subject
 * ({@link ShardExchange#user}), of {@code replenish-rate} tokens a second up to {@code burst-capacity}, global
 * across the gateways. A request takes one token; a user whose bucket is empty gets a 429 problem+json with
 * {@code Retry-After} in whole seconds (at least 1) and {@code X-RateLimit-Remaining: 0}, and nothing is
 * forwarded; other users are not affected. An allowed response carries {@code X-RateLimit-Remaining}: the whole
 * tokens left in this gateway's share, its local view.
 *
 * <p>The request path touches memory only ({@link UserBuckets}: one compare-and-set, no lock, no Redis): each of
 * the {@code G} live gateways holds a share of each user's bucket, {@code remaining / G} of the global bucket as
 * of its last reconcile (a debt when negative) plus {@code rate / G} a second since, and {@link UserRateLimitReconciler} reconciles the
 * shares with the global bucket in Redis every {@code sync-interval} {@code T}, in one round trip per gateway.
 *
 * <p><b>The error bound.</b> With a fixed set of {@code G} live gateways whose reconciles answer, the requests
 * one user gets through all gateways together in any window of {@code W} seconds are at most
 * {@code burst + rate * W + E}, where {@code E = (G - 1) / G * burst + rate * T'} and {@code T'} is the longest
 * time between two reconciles of one gateway ({@code sync-interval} plus the reconcile's duration, at most
 * {@code redis-timeout}). So beyond what one exact token bucket allows, a user can get at most
 * {@code (G - 1) / G} of a burst plus one sync interval's refill, once: the overdraft is a debt in Redis (down to
 * minus the burst) that later refills pay back, so over long windows the rate is the limit's. With one gateway
 * {@code E = rate * T'}. Why: a gateway's share is computed from the global bucket less the tokens reported so
 * far, not less the tokens other gateways took since their own last report, which are at most their shares,
 * {@code burst / G + rate * T' / G} each.
 *
 * <p><b>It never fails open.</b> While Redis is unreachable or slower than {@code redis-timeout}, each gateway
 * enforces the whole limit (rate and burst) on its own: across {@code G} gateways a user gets at most {@code G}
 * times the limit (fail wide), and the gateway says so in a WARN at most once per 10 s. The first reconcile that
 * Redis answers brings the global view back. Until its first reconcile a gateway also limits alone.
 *
 * <p>Runs before the retry filters hold the body, so that a refused request's body is never read.
 * Requests that name no authenticated user (none reach the shard route) are not limited here.
 */
public final class UserRateLimitFilter implements GlobalFilter, Ordered {

    /** Early among the gateway filters, long before the body is cached for a 421 retry. */
    public static final int ORDER = GatewayFilterOrder.USER_RATE_LIMIT;

    /** The whole tokens left to the user in this gateway's share; 0 on a 429. */
    static final String REMAINING_HEADER = "X-RateLimit-Remaining";

    private final UserBuckets buckets;

    /** @param buckets this gateway's shares of the users' buckets, reconciled with Redis elsewhere */
    UserRateLimitFilter(UserBuckets buckets) {
        this.buckets = buckets;
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        String user = ShardExchange.user(exchange);
        if (user == null) {
            return chain.filter(exchange);
        }
        long verdict = buckets.take(user);
        if (!UserBuckets.allowed(verdict)) {
            return Mono.error(tooManyRequests(UserBuckets.retryAfterSeconds(verdict)));
        }
        exchange.getResponse().getHeaders().set(REMAINING_HEADER, Long.toString(verdict));
        return chain.filter(exchange);
    }

    private static ErrorResponseException tooManyRequests(long seconds) {
        ErrorResponseException problem = Problems.of(HttpStatus.TOO_MANY_REQUESTS, "Too many requests",
                "this user sent more requests than its rate limit allows; try again in " + seconds + " s");
        problem.getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
        problem.getHeaders().set(REMAINING_HEADER, "0");
        return problem;
    }
}
