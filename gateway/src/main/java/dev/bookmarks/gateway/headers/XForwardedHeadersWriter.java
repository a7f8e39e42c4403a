package dev.bookmarks.gateway.headers;

import dev.bookmarks.gateway.ProxyAllowList;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;

/**
 * Writes the {@code X-Forwarded-*} headers of the request to the shard, for {@link ShardRequestHeadersFilter}, which
 * has dropped every incoming one. Incoming {@code X-Forwarded-*} and {@code Forwarded} headers are believed only
 * when the connection comes from a configured proxy ({@link ProxyAllowList}); from anyone else they are replaced
 * by what the gateway saw itself, so a client cannot pose as another address or scheme.
 *
 * <ul>
 *   <li>{@code X-Forwarded-For}: from a trusted proxy, its list with the proxy's address appended;
 *       otherwise the client's address alone;
 *   <li>{@code X-Forwarded-Proto}, {@code -Host}, {@code -Port}: from a trusted proxy, its values
 *       where it sent them; otherwise the scheme, {@code Host} and port of the request the gateway
 *       received;
 *   <li>{@code X-Forwarded-Prefix} and {@code Forwarded}: from a trusted proxy only.
 * </ul>
 *
 * Spring Cloud Gateway's own X-Forwarded and Forwarded filters are off
 * ({@code spring.cloud.gateway.server.webflux.x-forwarded.enabled=false}, {@code forwarded.enabled=false}):
 * this is the only writer of these headers.
 */
final class XForwardedHeadersWriter {

    static final String FOR = "X-Forwarded-For";
    static final String PROTO = "X-Forwarded-Proto";
    static final String HOST = "X-Forwarded-Host";
    static final String PORT = "X-Forwarded-Port";
    static final String PREFIX = "X-Forwarded-Prefix";
    static final String FORWARDED = "Forwarded";

    private final ProxyAllowList trustedProxies;

    XForwardedHeadersWriter(ProxyAllowList trustedProxies) {
        this.trustedProxies = trustedProxies;
    }

    /** Sets the forwarding headers on {@code output}, which holds none, for the request {@code exchange} received. */
    void write(HttpHeaders output, ServerWebExchange exchange) {
        ServerHttpRequest request = exchange.getRequest();
        HttpHeaders received = request.getHeaders();
        InetSocketAddress remote = request.getRemoteAddress();
        String remoteAddress = remote == null || remote.getAddress() == null ? null
                : remote.getAddress().getHostAddress();
        boolean trusted = remote != null && trustedProxies.trusts(remote.getAddress());
        URI uri = request.getURI();
        String scheme = uri.getScheme() == null ? "http" : uri.getScheme().toLowerCase(Locale.ROOT);
        int port = uri.getPort() >= 0 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
        String host = received.getFirst(HttpHeaders.HOST);
        if (host == null && uri.getHost() != null) {
            host = uri.getPort() >= 0 ? uri.getHost() + ":" + uri.getPort() : uri.getHost();
        }

        String forwardedFor = trusted ? joined(received.get(FOR)) : null;
        if (remoteAddress != null) {
            forwardedFor = forwardedFor == null ? remoteAddress : forwardedFor + ", " + remoteAddress;
        }
        setIfPresent(output, FOR, forwardedFor);
        output.set(PROTO, trusted && received.getFirst(PROTO) != null ? received.getFirst(PROTO) : scheme);
        setIfPresent(output, HOST, trusted && received.getFirst(HOST) != null ? received.getFirst(HOST) : host);
        output.set(PORT, trusted && received.getFirst(PORT) != null ? received.getFirst(PORT) : Integer.toString(port));
        if (trusted) {
            setIfPresent(output, PREFIX, received.getFirst(PREFIX));
            if (received.get(FORWARDED) != null) {
                output.put(FORWARDED, received.get(FORWARDED));
            }
        }
    }

    private static String joined(List<String> values) {
        if (values == null || values.isEmpty()) {
            return null;
        }
        String joined = String.join(", ", values).trim();
        return joined.isEmpty() ? null : joined;
    }

    private static void setIfPresent(HttpHeaders headers, String name, String value) {
        if (value != null && !value.isBlank()) {
            headers.set(name, value);
        }
    }
}
