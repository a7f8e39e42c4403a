package dev.bookmarks.gateway;

import org.springframework.cloud.gateway.filter.ReactiveLoadBalancerClientFilter;
import org.springframework.cloud.gateway.filter.RouteToRequestUrlFilter;
import org.springframework.core.Ordered;

/**
 * The one list of the gateway's filter orders, and so of a request's path through them. Each filter
 * keeps the framework's idiom, a public {@code ORDER} returned by {@code getOrder()}, and that
 * {@code ORDER} is the constant here; the constants are written relative to the framework's own
 * orders (Spring Security's filter chain, {@code RouteToRequestUrlFilter},
 * {@code ReactiveLoadBalancerClientFilter}), so that the gateway's filters keep their places around
 * them if a framework release moves them. {@code H} is {@link Ordered#HIGHEST_PRECEDENCE}.
 *
 * <pre>
 * WebFilters, for every request:
 *   CANONICAL_PATH (H)            security/CanonicalPathFilter: raw path not canonical, 400
 *   BODY_SIZE_LIMIT (H + 1)       limits/BodySizeLimitFilter: body over 64 KiB, 413
 *   CLIENT_ADDRESS_LIMIT (H + 2)  limits/ClientAddressLimitFilter: per-address rate, 429
 *   SPRING_SECURITY (-100)        bearer JWT, 401; then, after authorization,
 *                                 security/UserPathAuthorizationFilter: the path's user is the token's
 * Global filters of the shard route, around each attempt:
 *   USER_RATE_LIMIT (H + 100)     limits/UserRateLimitFilter: per-user rate, in memory, 429
 *   SHARD_RETRY (9998)            resilience/ShardRetryFilter: holds the body; connect failures and 503s
 *     MISDIRECTED_RETRY (9999)    resilience/MisdirectedRetryFilter: a 421, re-read the ring, once more
 *       RouteToRequestUrlFilter (10000), ReactiveLoadBalancerClientFilter (LOAD_BALANCER, 10150) with
 *       routing/ShardLoadBalancer: the ring picks the shard
 *         SHARD_CIRCUIT_BREAKER (10155)  resilience/ShardCircuitBreakerFilter: open breaker, 503
 *           IDENTITY_SIGNING (10160)     security/IdentitySigningFilter: signs user, epoch, URL, body
 *             NettyRoutingFilter (headers/HeadersConfiguration's), whose only header filters are
 *             headers/ShardRequestHeadersFilter (SHARD_HEADERS): client copies of internal headers, hop-by-hop
 *             headers and Authorization go; X-Forwarded-* and the signature go on; and ShardResponseHeadersFilter
 * Errors: PROBLEM_ERROR_HANDLER (-2), ProblemErrorHandler: problem+json
 * </pre>
 *
 * The attempt loop (both retry filters) sits outside the load balancer, so that every attempt asks
 * the ring again, passes the shard's breaker and is signed afresh. What the filters hand each other
 * travels in {@code exchange.ShardExchange}.
 */
public final class GatewayFilterOrder {

    /** WebFilter: before everything else, Spring Security's filter chain included. */
    public static final int CANONICAL_PATH = Ordered.HIGHEST_PRECEDENCE;

    /** WebFilter: right after the canonical-path check, ahead of every filter that might read the body. */
    public static final int BODY_SIZE_LIMIT = CANONICAL_PATH + 1;

    /** WebFilter: after the body limit, before Spring Security, so that a flood costs no token check. */
    public static final int CLIENT_ADDRESS_LIMIT = BODY_SIZE_LIMIT + 1;

    /**
     * Spring Security's WebFilter chain (authentication, authorization, then
     * {@code UserPathAuthorizationFilter}, which is placed inside the chain after authorization). The
     * value is Spring Security's {@code WebFluxSecurityConfiguration.WEB_FILTER_CHAIN_FILTER_ORDER}, whose
     * class is not public; {@code GatewayFilterOrderTest} checks that the two agree.
     */
    public static final int SPRING_SECURITY = -100;

    /** Global filter: early, long before any filter holds the body. */
    public static final int USER_RATE_LIMIT = Ordered.HIGHEST_PRECEDENCE + 100;

    /**
     * Global filter: just before {@code RouteToRequestUrlFilter}, so that a 421's re-send starts again
     * from {@code lb://} and goes through the load balancer with the fresh ring.
     */
    public static final int MISDIRECTED_RETRY = RouteToRequestUrlFilter.ROUTE_TO_URL_FILTER_ORDER - 1;

    /** Global filter: outermost of the attempt loop, so that each retry goes through the 421 handling too. */
    public static final int SHARD_RETRY = MISDIRECTED_RETRY - 1;

    /** Spring Cloud Gateway's load balancer filter, which asks {@code ShardLoadBalancer} for the shard. */
    public static final int LOAD_BALANCER = ReactiveLoadBalancerClientFilter.LOAD_BALANCER_CLIENT_FILTER_ORDER;

    /** Global filter: once the shard is known, before the signature and the connection it would cost. */
    public static final int SHARD_CIRCUIT_BREAKER = LOAD_BALANCER + 5;

    /** Global filter: once the URL the request goes to is final. */
    public static final int IDENTITY_SIGNING = LOAD_BALANCER + 10;

    /**
     * Header filters of the HTTP client: the only ones of {@code NettyRoutingFilter}; last should a WebSocket
     * upgrade's routing filter apply Spring Cloud Gateway's own as well.
     */
    public static final int SHARD_HEADERS = Ordered.LOWEST_PRECEDENCE;

    /** Error handler: before Spring Boot's {@code DefaultErrorWebExceptionHandler}, which is at -1. */
    public static final int PROBLEM_ERROR_HANDLER = -2;

    private GatewayFilterOrder() {
    }
}
