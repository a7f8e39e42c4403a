package dev.bookmarks.gateway.headers;

import dev.bookmarks.gateway.GatewayFilterOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;

/**
 * The headers of the shard's answer that reach the client: all but the hop-by-hop ones (RFC 9110 section 7.6.1) and
 * those the answer's {@code Connection} header names, which describe the gateway's connection to the shard; and
 * {@code X-Application-Context}, as Spring Cloud Gateway's {@code RemoveHopByHopHeadersFilter} (whose work on
 * answers this does, {@link HeadersConfiguration}) drops it. With tracing it then hands the answer's headers to Spring
 * Cloud Gateway's {@code ObservedResponseHttpHeadersFilter}, which stops the attempt's client observation.
 */
public final class ShardResponseHeadersFilter implements HttpHeadersFilter, Ordered {

    /** Last, as {@link ShardRequestHeadersFilter}. */
    public static final int ORDER = GatewayFilterOrder.SHARD_HEADERS;

    private static final Set<String> DROPPED = dropped();

    private final HttpHeadersFilter clientObservation;

    public ShardResponseHeadersFilter() {
        this(null);
    }

    /**
     * @param clientObservation Spring Cloud Gateway's {@code ObservedResponseHttpHeadersFilter}, or {@code null}
     *        without observability
     */
    public ShardResponseHeadersFilter(HttpHeadersFilter clientObservation) {
        this.clientObservation = clientObservation;
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    @Override
    public boolean supports(Type type) {
        return type == Type.RESPONSE;
    }

    /**
     * Removes the dropped headers from {@code input} itself and returns it: Spring Cloud Gateway's
     * {@code NettyRoutingFilter}, the one caller for answers, hands over a fresh, writable copy of the answer's headers.
     */
    @Override
    public HttpHeaders filter(HttpHeaders input, ServerWebExchange exchange) {
        Set<String> named = HopByHop.connectionOptions(input);
        List<String> drop = null;
        for (String name : input.headerNames()) {
            if (DROPPED.contains(name) || named != null && named.contains(name)) {
                if (drop == null) {
                    drop = new ArrayList<>(2);
                }
                drop.add(name);
            }
        }
        if (drop != null) {
            drop.forEach(input::remove);
        }
        return clientObservation == null ? input : clientObservation.filter(input, exchange);
    }

    private static Set<String> dropped() {
        List<String> dropped = new ArrayList<>(HopByHop.HEADERS);
        dropped.add("x-application-context");
        return HopByHop.ignoringCase(dropped);
    }
}
