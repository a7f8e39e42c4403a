package dev.bookmarks.gateway.headers;

import dev.bookmarks.gateway.GatewayFilterOrder;
import dev.bookmarks.protocol.GatewayHeaders;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * First of the gateway filters: removes from the request everything a client must not be able to
 * send to a shard, before any other filter sees it.
 *
 * <ul>
 *   <li>any copy of the headers only a gateway sets ({@link GatewayHeaders#ALL}: identity, epoch,
 *       timestamp, nonce, signature), in any letter case, so that the signing filter's are the only ones;
 *   <li>hop-by-hop headers (RFC 9110 section 7.6.1), which describe the client's connection and not
 *       the gateway's, and every header the {@code Connection} header names as hop-by-hop;
 *   <li>{@code Authorization}: the shard trusts the gateway's signature, not the user's token, and a
 *       token that never leaves the edge cannot leak from a shard's logs.
 * </ul>
 *
 * {@code X-Forwarded-*} is left to {@link XForwardedHeadersWriter}, which needs the client's
 * values to decide whether to keep them.
 */
public final class InternalHeadersFilter implements GlobalFilter, Ordered {

    /** Before every other gateway filter. */
    public static final int ORDER = GatewayFilterOrder.INTERNAL_HEADERS;

    /** Hop-by-hop headers, lower case; {@code Proxy-Connection} is a common non-standard one. */
    public static final Set<String> HOP_BY_HOP = Set.of("connection", "proxy-connection", "keep-alive", "te",
            "transfer-encoding", "upgrade", "trailer", "proxy-authorization", "proxy-authenticate");

    @Override
    public int getOrder() {
        return ORDER;
    }

    /**
     * What is always removed, compared ignoring case: built once, read-only, so that a request costs one
     * look-up per header it carries and no set of its own unless its {@code Connection} header names more.
     */
    private static final Set<String> ALWAYS = always();

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        List<String> remove = namesToRemove(exchange.getRequest().getHeaders());
        if (remove.isEmpty()) {
            return chain.filter(exchange);
        }
        return chain.filter(exchange.mutate().request(request -> request.headers(headers -> {
            for (String name : remove) {
                headers.remove(name);
            }
        })).build());
    }

    /** The names, as they appear in {@code headers}, of the headers this filter removes. */
    static List<String> namesToRemove(HttpHeaders headers) {
        Set<String> named = connectionOptions(headers.get(HttpHeaders.CONNECTION));
        List<String> present = new ArrayList<>(2);
        for (String name : headers.headerNames()) {
            if (ALWAYS.contains(name) || named != null && named.contains(name)) {
                present.add(name);
            }
        }
        return present;
    }

    /** The header names the {@code Connection} header lists (RFC 9110 section 7.6.1), or null if none. */
    private static Set<String> connectionOptions(List<String> values) {
        if (values == null) {
            return null;
        }
        Set<String> named = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        for (String value : values) {
            for (String token : value.split(",")) {
                String name = token.trim();
                if (!name.isEmpty()) {
                    named.add(name);
                }
            }
        }
        return named;
    }

    private static Set<String> always() {
        Set<String> always = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        always.addAll(HOP_BY_HOP);
        always.addAll(GatewayHeaders.ALL);
        always.add(HttpHeaders.AUTHORIZATION);
        return Collections.unmodifiableSet(always);
    }
}
