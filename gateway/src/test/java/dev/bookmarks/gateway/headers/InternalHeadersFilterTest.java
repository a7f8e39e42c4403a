package dev.bookmarks.gateway.headers;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.http.HttpHeaders;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

class InternalHeadersFilterTest {

    private final InternalHeadersFilter filter = new InternalHeadersFilter();

    @Test
    void removesEveryClientSentCopyOfTheGatewaysOwnHeadersInAnyLetterCase() {
        HttpHeaders forwarded = forward(MockServerHttpRequest.get("/api/users/alice/bookmarks")
                .header("X-Bookmarks-User", "mallory")
                .header("x-bookmarks-epoch", "999")
                .header("X-BOOKMARKS-TIMESTAMP", "1")
                .header("x-Bookmarks-Nonce", "AAAAAAAAAAAAAAAAAAAAAA")
                .header("X-Bookmarks-Signature", "v1=forged", "v1=another")
                .header("Accept", "application/json"));

        assertThat(forwarded.headerNames()).noneMatch(name -> name.toLowerCase().startsWith("x-bookmarks-"));
        assertThat(forwarded.getFirst("Accept")).isEqualTo("application/json");
    }

    @Test
    void removesHopByHopHeadersAndEveryHeaderTheConnectionHeaderNames() {
        HttpHeaders forwarded = forward(MockServerHttpRequest.post("/api/users/alice/bookmarks")
                .header("Connection", "keep-alive, X-Hop-One", "x-hop-two")
                .header("X-Hop-One", "1")
                .header("X-Hop-Two", "2")
                .header("Keep-Alive", "timeout=5")
                .header("Proxy-Connection", "keep-alive")
                .header("TE", "trailers")
                .header("Trailer", "X-Checksum")
                .header("Transfer-Encoding", "chunked")
                .header("Upgrade", "h2c")
                .header("Proxy-Authorization", "Basic c2VjcmV0")
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", "k-1"));

        assertThat(forwarded.headerNames()).map(String::toLowerCase)
                .doesNotContain("connection", "x-hop-one", "x-hop-two", "keep-alive", "proxy-connection", "te",
                        "trailer", "transfer-encoding", "upgrade", "proxy-authorization");
        assertThat(forwarded.getFirst("Content-Type")).isEqualTo("application/json");
        assertThat(forwarded.getFirst("Idempotency-Key")).isEqualTo("k-1");
    }

    @Test
    void keepsTheUsersTokenAtTheEdge() {
        HttpHeaders forwarded = forward(MockServerHttpRequest.get("/api/users/alice/bookmarks")
                .header("Authorization", "Bearer eyJ.token.here"));

        assertThat(forwarded.containsHeader("Authorization")).isFalse();
    }

    @Test
    void passesARequestWithNothingToRemoveUnchanged() {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/api/users/alice")
                .header("Accept", "application/json"));
        AtomicReference<ServerWebExchange> seen = new AtomicReference<>();

        filter.filter(exchange, capture(seen)).block(Duration.ofSeconds(5));

        assertThat(seen.get()).isSameAs(exchange);
    }

    private HttpHeaders forward(MockServerHttpRequest.BaseBuilder<?> request) {
        AtomicReference<ServerWebExchange> seen = new AtomicReference<>();
        filter.filter(MockServerWebExchange.from(request), capture(seen)).block(Duration.ofSeconds(5));
        return seen.get().getRequest().getHeaders();
    }

    private static GatewayFilterChain capture(AtomicReference<ServerWebExchange> seen) {
        return exchange -> {
            seen.set(exchange);
            return Mono.empty();
        };
    }
}
