package dev.bookmarks.gateway.headers;

import dev.bookmarks.gateway.GatewayFilterOrder;
import dev.bookmarks.gateway.ProxyAllowList;
import dev.bookmarks.gateway.exchange.ShardExchange;
import dev.bookmarks.protocol.GatewayHeaders;
import io.micrometer.observation.Observation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;

/**
 * Builds the headers of the request to the shard, in one pass over the client's headers, when the request is sent
 * (Spring Cloud Gateway's {@code NettyRoutingFilter} calls it with the request's final headers, once per attempt).
 * It drops everything a client must not be able to send to a shard:
 *
 * <ul>
 *   <li>any copy of the headers only a gateway sets ({@link GatewayHeaders#ALL}: identity, epoch,
 *       timestamp, nonce, signature), in any letter case, so that the signing filter's are the only ones;
 *   <li>hop-by-hop headers (RFC 9110 section 7.6.1), which describe the client's connection and not
 *       the gateway's, and every header the {@code Connection} header names as hop-by-hop;
 *   <li>{@code Authorization}: the shard trusts the gateway's signature, not the user's token, and a
 *       token that never leaves the edge cannot leak from a shard's logs;
 *   <li>{@code Cookie}: the API authenticates by bearer token alone, and a browser sends a gateway every cookie of
 *       its host (cookies ignore ports: the local stack's issuer session on 127.0.0.1 among them), none of them the
 *       shard's business;
 *   <li>{@code X-Forwarded-*} and {@code Forwarded}, which {@link XForwardedHeadersWriter} writes afresh;
 *   <li>{@code Content-Length} beside {@code Transfer-Encoding: chunked} (RFC 9112 section 6.3: the length is
 *       to be ignored), as Spring Cloud Gateway's {@code TransferEncodingNormalizationHeadersFilter} does.
 * </ul>
 *
 * Then it adds the {@code X-Forwarded-*} headers and the signature headers {@code IdentitySigningFilter} made for
 * this attempt ({@link ShardExchange#signedHeaders}). Spring Cloud Gateway's own header filters would each copy
 * every header once more (hop-by-hop, X-Forwarded, Forwarded, transfer-encoding, gRPC): {@link HeadersConfiguration}
 * gives the HTTP client this filter instead, which does their work on the request in the one copy.
 *
 * <p>With tracing, it hands its headers last to Spring Cloud Gateway's {@code ObservedRequestHttpHeadersFilter}
 * ({@code clientObservation}), which starts the attempt's client observation (span) and writes its W3C
 * {@code traceparent} in place of any the client sent; the signature does not cover it.
 */
public final class ShardRequestHeadersFilter implements HttpHeadersFilter, Ordered {

    /** Last, should other header filters run before it (as they do for a WebSocket upgrade). */
    public static final int ORDER = GatewayFilterOrder.SHARD_HEADERS;

    /** What is always dropped, compared ignoring case: a look-up per header, nothing lower-cased. */
    private static final Set<String> ALWAYS = always();

    private static final String X_FORWARDED = "x-forwarded-";

    /** Set by Spring Cloud Gateway's {@code ObservedResponseHttpHeadersFilter} once it stopped the client observation. */
    static final String OBSERVATION_STOPPED = "gateway.observation.stopped";

    private final XForwardedHeadersWriter forwarded;

    private final HttpHeadersFilter clientObservation;

    /** @param trustedProxies the proxies whose {@code X-Forwarded-*} and {@code Forwarded} headers are believed */
    public ShardRequestHeadersFilter(ProxyAllowList trustedProxies) {
        this(trustedProxies, null);
    }

    /**
     * @param trustedProxies the proxies whose {@code X-Forwarded-*} and {@code Forwarded} headers are believed
     * @param clientObservation Spring Cloud Gateway's {@code ObservedRequestHttpHeadersFilter}, or {@code null}
     *        without observability ({@code spring.cloud.gateway.server.webflux.observability.enabled=false})
     */
    public ShardRequestHeadersFilter(ProxyAllowList trustedProxies, HttpHeadersFilter clientObservation) {
        this.forwarded = new XForwardedHeadersWriter(trustedProxies);
        this.clientObservation = clientObservation;
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    @Override
    public boolean supports(Type type) {
        return type == Type.REQUEST;
    }

    @Override
    public HttpHeaders filter(HttpHeaders input, ServerWebExchange exchange) {
        Set<String> named = HopByHop.connectionOptions(input);
        boolean dropLength = isChunked(input.getFirst(HttpHeaders.TRANSFER_ENCODING));
        HttpHeaders output = new HttpHeaders();
        for (Map.Entry<String, List<String>> header : input.headerSet()) {
            String name = header.getKey();
            if (ALWAYS.contains(name) || named != null && named.contains(name)
                    || name.regionMatches(true, 0, X_FORWARDED, 0, X_FORWARDED.length())
                    || dropLength && name.equalsIgnoreCase(HttpHeaders.CONTENT_LENGTH)) {
                continue;
            }
            // The value list is the input's: nothing changes it, and the HTTP client only reads it.
            output.put(name, header.getValue());
        }
        forwarded.write(output, exchange);
        Map<String, String> signed = ShardExchange.signedHeaders(exchange);
        if (signed != null) {
            signed.forEach(output::set);
        }
        return clientObservation == null ? output : observed(output, exchange);
    }

    /**
     * Starts this attempt's client observation. An earlier attempt that got no answer (refused, timed out, cut off)
     * left its own open, as only an answer ({@code ObservedResponseHttpHeadersFilter}) or the request's final error
     * ({@code ObservationClosingWebExceptionHandler}) stops one: it is stopped here, and the marker of a stopped one
     * cleared, so that the error handler stops this attempt's should it fail too.
     */
    private HttpHeaders observed(HttpHeaders output, ServerWebExchange exchange) {
        Observation previous = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_OBSERVATION_ATTR);
        if (exchange.getAttributes().remove(OBSERVATION_STOPPED) == null && previous != null) {
            previous.stop();
        }
        return clientObservation.filter(output, exchange);
    }

    private static boolean isChunked(String transferEncoding) {
        return transferEncoding != null && "chunked".equalsIgnoreCase(transferEncoding.trim());
    }

    private static Set<String> always() {
        List<String> always = new ArrayList<>(HopByHop.HEADERS);
        always.addAll(GatewayHeaders.ALL);
        always.add(HttpHeaders.AUTHORIZATION);
        always.add(HttpHeaders.COOKIE);
        always.add(XForwardedHeadersWriter.FORWARDED);
        return HopByHop.ignoringCase(always);
    }
}
