package dev.bookmarks.gateway.security;

import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR;

import dev.bookmarks.gateway.Problems;
import dev.bookmarks.gateway.routing.ShardRoute;
import dev.bookmarks.signing.RequestSigner;
import java.net.URI;
import java.util.Map;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.filter.ReactiveLoadBalancerClientFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Signs, for the shard, the user the token proved and the ring epoch the request was routed by
 * ({@link RequestSigner}: HMAC over method, raw path, raw query, user, epoch and time). It runs
 * after the load balancer, when the URL the request will be sent to is final, and signs exactly
 * that URL's path and query as they go on the request line. On a 421 retry it runs again and signs
 * the new epoch.
 *
 * <p>It never signs a user that the token did not prove: a shard request whose routed user is not
 * the authenticated user is refused with 403 (the security filters should have refused it first).
 * Client-sent copies of the signed headers are already gone ({@code InternalHeadersFilter}); the
 * ones set here replace any that might remain.
 */
public final class IdentitySigningFilter implements GlobalFilter, Ordered {

    /** After {@link ReactiveLoadBalancerClientFilter} has replaced {@code lb://} by the shard's address. */
    public static final int ORDER = ReactiveLoadBalancerClientFilter.LOAD_BALANCER_CLIENT_FILTER_ORDER + 10;

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
        ShardRoute route = ShardRoute.of(exchange);
        URI url = exchange.getAttribute(GATEWAY_REQUEST_URL_ATTR);
        if (route == null || url == null) {
            return chain.filter(exchange);
        }
        String user = exchange.getAttribute(UserPathAuthorizationFilter.USER_ATTRIBUTE);
        if (user == null || !user.equals(route.userId())) {
            return Mono.error(Problems.of(HttpStatus.FORBIDDEN, "Another user's bookmarks",
                    "the request is routed for a user its token does not prove"));
        }
        // The form the HTTP client puts on the request line.
        URI sent = URI.create(url.toASCIIString());
        Map<String, String> signed = signer.sign(exchange.getRequest().getMethod().name(), sent.getRawPath(),
                sent.getRawQuery(), user, route.epoch());
        return chain.filter(exchange.mutate().request(request -> request.headers(headers -> signed.forEach(headers::set)))
                .build());
    }
}
