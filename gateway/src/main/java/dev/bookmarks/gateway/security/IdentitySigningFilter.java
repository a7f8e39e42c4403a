package dev.bookmarks.gateway.security;

import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR;

import dev.bookmarks.gateway.GatewayFilterOrder;
import dev.bookmarks.gateway.Problems;
import dev.bookmarks.gateway.exchange.ShardExchange;
import dev.bookmarks.gateway.exchange.ShardRoute;
import dev.bookmarks.protocol.ApiHeaders;
import dev.bookmarks.protocol.BodyDigest;
import dev.bookmarks.protocol.RequestSigner;
import java.net.URI;
import java.util.List;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.filter.ReactiveLoadBalancerClientFilter;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Signs, for the shard, the user the token proved and the ring epoch the request was routed by
 * ({@link RequestSigner}: HMAC over method, raw path, raw query, user, the shard it is sent to, epoch,
 * time, a fresh nonce, the body's SHA-256 and the {@code Idempotency-Key} lines). It runs after the load balancer, when the URL
 * the request will be sent to is final, and signs exactly that URL's path and query as they go on the
 * request line. It runs again for every attempt (a re-send after a 421, a retry after a 503 or a connect
 * failure) and signs each with a new nonce and, after a 421, the new epoch: a shard accepts a signature once.
 *
 * <p>The body it digests is the one held in the exchange ({@link ShardExchange#heldBody}), which is what every
 * attempt sends: {@code ShardRetryFilter} holds it in front of this filter (at most the 64 KiB the
 * body-size limit lets through); when no filter has, this one holds it. A request that declares no body
 * ({@link ShardExchange#declaresBody}) is signed with the empty body's digest and nothing is held.
 *
 * <p>It never signs a user that the token did not prove: a shard request whose routed user is not
 * the authenticated user is refused with 403 (the security filters should have refused it first).
 * The signature headers go into the exchange ({@link ShardExchange#signedHeaders}), not onto the request:
 * {@code ShardRequestHeadersFilter}, which builds the headers the shard gets, drops every client copy of them and
 * puts these on instead, so the request's headers are copied once, when it is sent.
 */
public final class IdentitySigningFilter implements GlobalFilter, Ordered {

    /** After {@link ReactiveLoadBalancerClientFilter} has replaced {@code lb://} by the shard's address. */
    public static final int ORDER = GatewayFilterOrder.IDENTITY_SIGNING;

    private final RequestSigner signer;

    public IdentitySigningFilter(RequestSigner signer) {
        this.signer = signer;
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        ShardRoute route = ShardExchange.route(exchange);
        URI url = exchange.getAttribute(GATEWAY_REQUEST_URL_ATTR);
        if (route == null || url == null) {
            return chain.filter(exchange);
        }
        String user = ShardExchange.user(exchange);
        if (user == null || !user.equals(route.userId())) {
            return Mono.error(Problems.of(HttpStatus.FORBIDDEN, "Another user's bookmarks",
                    "the request is routed for a user its token does not prove"));
        }
        // The form the HTTP client puts on the request line.
        URI sent = URI.create(url.toASCIIString());
        if (!ShardExchange.declaresBody(exchange.getRequest())) {
            return signed(exchange, exchange.getRequest(), sent, BodyDigest.EMPTY, user, route, chain);
        }
        return ServerWebExchangeUtils.cacheRequestBody(exchange,
                request -> signed(exchange, request, sent, heldBody(exchange), user, route, chain));
    }

    private Mono<Void> signed(ServerWebExchange exchange, ServerHttpRequest request, URI sent, BodyDigest body,
            String user, ShardRoute route, GatewayFilterChain chain) {
        List<String> keys = request.getHeaders().getOrEmpty(ApiHeaders.IDEMPOTENCY_KEY);
        ShardExchange.setSignedHeaders(exchange, signer.sign(request.getMethod().name(), sent.getRawPath(),
                sent.getRawQuery(), keys, body, user, route.shardId(), route.epoch()));
        return chain.filter(request == exchange.getRequest() ? exchange : exchange.mutate().request(request).build());
    }

    /**
     * The digest of the body {@code cacheRequestBody} holds, without consuming it; none is held for an empty
     * body.
     */
    private static BodyDigest heldBody(ServerWebExchange exchange) {
        DataBuffer held = ShardExchange.heldBody(exchange);
        if (held == null) {
            return BodyDigest.EMPTY;
        }
        try (DataBuffer.ByteBufferIterator buffers = held.readableByteBuffers()) {
            return BodyDigest.of(buffers);
        }
    }
}
