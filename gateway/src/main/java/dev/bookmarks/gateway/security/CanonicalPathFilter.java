package dev.bookmarks.gateway.security;

import dev.bookmarks.gateway.GatewayFilterOrder;
import dev.bookmarks.gateway.Problems;
import dev.bookmarks.protocol.CanonicalPaths;
import java.util.Optional;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * The first filter of the gateway: a request whose raw path is not canonical ({@link CanonicalPaths}: no
 * percent-encoding, no {@code ;parameters}, no {@code //}, dot segments or backslashes) is answered 400
 * before authentication, routing or signing read it. Spring Security and the route predicates match on the
 * decoded path with path parameters removed, while the user check, the signature and the shard read the raw
 * one; with only canonical paths admitted they are the same string.
 */
public final class CanonicalPathFilter implements WebFilter, Ordered {

    /** {@link GatewayFilterOrder#CANONICAL_PATH}: before everything else, Spring Security's filter chain included. */
    public static final int ORDER = GatewayFilterOrder.CANONICAL_PATH;

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        Optional<String> violation = CanonicalPaths.violation(exchange.getRequest().getURI().getRawPath());
        if (violation.isPresent()) {
            return Problems.write(exchange, HttpStatus.BAD_REQUEST, "Path not canonical", violation.get());
        }
        return chain.filter(exchange);
    }

    @Override
    public int getOrder() {
        return ORDER;
    }
}
