package dev.bookmarks.gateway.limits;

import dev.bookmarks.gateway.GatewayFilterOrder;
import dev.bookmarks.gateway.Problems;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The request body limit (docs/architecture.md, "Limits": 64 KiB at the gateway), ahead of every other filter, security
 * included, and so ahead of the retry filters, which hold a body in memory:
 *
 * <ul>
 *   <li>a declared {@code Content-Length} over the limit is answered 413 at once, without reading
 *       the body;
 *   <li>a body without a length (chunked, or HTTP/2 without {@code content-length}) is counted as it
 *       is read: the read fails with a 413 as soon as it passes the limit, so at most one network
 *       buffer beyond the limit is ever held, and nothing is forwarded.
 * </ul>
 *
 * Both answers are problem+json (the streamed one through the {@code ProblemErrorHandler}).
 */
public final class BodySizeLimitFilter implements WebFilter, Ordered {

    /** Right after the canonical-path check, before Spring Security's filter chain (-100) and everything else. */
    public static final int ORDER = GatewayFilterOrder.BODY_SIZE_LIMIT;

    private final long maxBytes;

    public BodySizeLimitFilter(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        ServerHttpRequest request = exchange.getRequest();
        long declared = request.getHeaders().getContentLength();
        if (declared > maxBytes) {
            ErrorResponseException problem = tooLarge();
            return Problems.write(exchange, problem.getStatusCode(), problem.getHeaders(), problem.getBody());
        }
        if (declared >= 0) {
            // Netty never delivers more than the declared length as this request's body.
            return chain.filter(exchange);
        }
        ServerHttpRequest limited = new ServerHttpRequestDecorator(request) {
            @Override
            public Flux<DataBuffer> getBody() {
                return Flux.defer(() -> {
                    AtomicLong read = new AtomicLong();
                    return super.getBody().handle((buffer, sink) -> {
                        if (read.addAndGet(buffer.readableByteCount()) > maxBytes) {
                            DataBufferUtils.release(buffer);
                            sink.error(tooLarge());
                        } else {
                            sink.next(buffer);
                        }
                    });
                });
            }
        };
        return chain.filter(exchange.mutate().request(limited).build());
    }

    private ErrorResponseException tooLarge() {
        return Problems.of(HttpStatus.valueOf(413), "Request body too large",
                "the request body must be at most " + maxBytes + " bytes");
    }
}
