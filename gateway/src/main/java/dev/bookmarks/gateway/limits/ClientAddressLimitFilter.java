package dev.bookmarks.gateway.limits;

import dev.bookmarks.gateway.GatewayFilterOrder;
import dev.bookmarks.gateway.Problems;
import java.net.InetSocketAddress;
import java.util.OptionalLong;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * A per-client-address request rate, checked before authentication ({@link AddressBuckets}): a client with or
 * without credentials that sends faster than {@code per-address-rate} is answered 429 with {@code Retry-After},
 * and costs the gateway no token verification, no Redis call and no shard request. The address is the TCP
 * peer's: a gateway is reached directly (DNS names the gateways, no proxy stands in front), so the peer is the
 * client.
 */
public final class ClientAddressLimitFilter implements WebFilter, Ordered {

    /** After the canonical-path check and the body limit, before Spring Security's filter chain (-100). */
    public static final int ORDER = GatewayFilterOrder.CLIENT_ADDRESS_LIMIT;

    private final AddressBuckets buckets;

    ClientAddressLimitFilter(AddressBuckets buckets) {
        this.buckets = buckets;
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        InetSocketAddress peer = exchange.getRequest().getRemoteAddress();
        String address = peer == null || peer.getAddress() == null ? "unknown" : peer.getAddress().getHostAddress();
        OptionalLong wait = buckets.take(address);
        if (wait.isEmpty()) {
            return chain.filter(exchange);
        }
        HttpHeaders headers = new HttpHeaders();
        headers.set(HttpHeaders.RETRY_AFTER, Long.toString(wait.getAsLong()));
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.TOO_MANY_REQUESTS,
                "this address sends more requests than a gateway accepts from one client; retry after Retry-After seconds");
        problem.setTitle("Too many requests from this address");
        return Problems.write(exchange, HttpStatus.TOO_MANY_REQUESTS, headers, problem);
    }
}
