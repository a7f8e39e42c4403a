package dev.bookmarks.gateway.exchange;

import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.CACHED_REQUEST_BODY_ATTR;
import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.CLIENT_RESPONSE_CONN_ATTR;

import java.util.Map;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;

/**
 * The per-request state the gateway's filters hand to each other, with one typed accessor per item
 * instead of attribute keys owned by whichever filter wrote them first. Everything lives in the
 * exchange's attributes, so it travels with every {@code exchange.mutate()} copy and with the
 * attribute map Spring Cloud LoadBalancer passes to the load balancer.
 *
 * <p>Who writes and who reads (orders in {@code GatewayFilterOrder}):
 *
 * <ul>
 *   <li>{@linkplain #user the authenticated user}: written by {@code UserPathAuthorizationFilter} once the
 *       token's subject matches the path; read by the per-user rate limit and the signing filter;
 *   <li>{@linkplain #route the route}: written by {@code ShardLoadBalancer} for every attempt; read by the
 *       breaker, the retries, the signing filter and the error handler;
 *   <li>{@linkplain #isBodyHeld the body-held mark} and {@linkplain #heldBody the held body}: the request
 *       body is held once, by the outermost retry filter, so that every attempt sends it again and the
 *       signing filter digests exactly what is sent;
 *   <li>{@linkplain #signedHeaders the signature headers}: written by the signing filter for every attempt; read by
 *       {@code ShardRequestHeadersFilter}, which puts them on the request to the shard after dropping any client
 *       copies.
 * </ul>
 *
 * <p>A reader never fails on a missing item: it gets null (or false), and decides what that means.
 */
public final class ShardExchange {

    private static final String USER = ShardExchange.class.getName() + ".user";
    private static final String ROUTE = ShardRoute.class.getName();
    private static final String BODY_HELD = ShardExchange.class.getName() + ".bodyHeld";
    private static final String SIGNED_HEADERS = ShardExchange.class.getName() + ".signedHeaders";

    private ShardExchange() {
    }

    /** The authenticated user ID (the token's subject, equal to the path's user), or null when none was proved. */
    public static String user(ServerWebExchange exchange) {
        return exchange.getAttribute(USER);
    }

    /** Records the authenticated user; {@code null} forgets it. */
    public static void setUser(ServerWebExchange exchange, String user) {
        put(exchange.getAttributes(), USER, user);
    }

    /** The route of the exchange's current attempt, or null before the load balancer chose. */
    public static ShardRoute route(ServerWebExchange exchange) {
        return exchange.getAttribute(ROUTE);
    }

    /** The route recorded in an exchange's attribute map (as the load balancer sees it), or null. */
    public static ShardRoute route(Map<String, Object> attributes) {
        return (ShardRoute) attributes.get(ROUTE);
    }

    /** Records the route of the current attempt; each attempt replaces the previous one's. */
    public static void setRoute(ServerWebExchange exchange, ShardRoute route) {
        setRoute(exchange.getAttributes(), route);
    }

    /**
     * Records the route in an exchange's attribute map: the load balancer is handed the map, not the
     * exchange.
     */
    public static void setRoute(Map<String, Object> attributes, ShardRoute route) {
        put(attributes, ROUTE, route);
    }

    /** Whether a filter already holds the request body for every attempt, so that no other needs to. */
    public static boolean isBodyHeld(ServerWebExchange exchange) {
        return Boolean.TRUE.equals(exchange.getAttribute(BODY_HELD));
    }

    /**
     * Whether the request says a body follows: a {@code Content-Length} above 0 or a {@code Transfer-Encoding}
     * (RFC 9112 section 6.3: without either, an HTTP/1.1 request has no body; Netty gives an HTTP/2 request whose
     * HEADERS frame does not end the stream {@code Transfer-Encoding: chunked} unless it declared a length). A
     * request without one has nothing to hold for a retry and is signed with the empty body's digest; were a
     * body to arrive anyway, it would not match that digest and the shard would refuse the request.
     */
    public static boolean declaresBody(ServerHttpRequest request) {
        HttpHeaders headers = request.getHeaders();
        return headers.getContentLength() > 0 || headers.containsHeader(HttpHeaders.TRANSFER_ENCODING);
    }

    /** Marks the body as held; call it on the exchange whose request reads the held body. */
    public static void markBodyHeld(ServerWebExchange exchange) {
        exchange.getAttributes().put(BODY_HELD, Boolean.TRUE);
    }

    /**
     * The body {@code ServerWebExchangeUtils.cacheRequestBody} holds, not consumed; null when none is held,
     * which is also the case for an empty body.
     */
    public static DataBuffer heldBody(ServerWebExchange exchange) {
        return exchange.getAttribute(CACHED_REQUEST_BODY_ATTR);
    }

    /** The signature headers of the current attempt (name to value), or null before the signing filter ran. */
    public static Map<String, String> signedHeaders(ServerWebExchange exchange) {
        return exchange.getAttribute(SIGNED_HEADERS);
    }

    /** Records the signature headers of the current attempt; each attempt replaces the previous one's. */
    public static void setSignedHeaders(ServerWebExchange exchange, Map<String, String> headers) {
        put(exchange.getAttributes(), SIGNED_HEADERS, headers);
    }

    /** Whether the response on the exchange is a shard's answer, rather than one the gateway made. */
    public static boolean isShardAnswer(ServerWebExchange exchange) {
        return exchange.getAttribute(CLIENT_RESPONSE_CONN_ATTR) != null;
    }

    private static void put(Map<String, Object> attributes, String key, Object value) {
        if (value == null) {
            attributes.remove(key);
        } else {
            attributes.put(key, value);
        }
    }
}
