package dev.bookmarks.gateway.headers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bookmarks.gateway.ProxyAllowList;
import dev.bookmarks.gateway.exchange.ShardExchange;
import dev.bookmarks.protocol.GatewayHeaders;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

class ShardRequestHeadersFilterTest {

    private final ShardRequestHeadersFilter filter = new ShardRequestHeadersFilter(ProxyAllowList.of(List.of()));

    @Test
    void removesEveryClientSentCopyOfTheGatewaysOwnHeadersInAnyLetterCase() {
        HttpHeaders sent = send(MockServerHttpRequest.get("/api/users/alice/bookmarks")
                .header("X-Bookmarks-User", "mallory")
                .header("x-bookmarks-epoch", "999")
                .header("X-BOOKMARKS-TIMESTAMP", "1")
                .header("x-Bookmarks-Nonce", "AAAAAAAAAAAAAAAAAAAAAA")
                .header("X-Bookmarks-Signature", "v1=forged", "v1=another")
                .header("Accept", "application/json"));

        assertThat(sent.headerNames()).noneMatch(name -> name.toLowerCase().startsWith("x-bookmarks-"));
        assertThat(sent.getFirst("Accept")).isEqualTo("application/json");
    }

    @Test
    void replacesClientCopiesByTheSignatureHeadersOfTheAttempt() {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/api/users/alice")
                .header("x-bookmarks-user", "mallory")
                .header("X-BOOKMARKS-NONCE", "AAAAAAAAAAAAAAAAAAAAAA"));
        Map<String, String> signed = new LinkedHashMap<>();
        signed.put(GatewayHeaders.USER, "alice");
        signed.put(GatewayHeaders.NONCE, "BBBBBBBBBBBBBBBBBBBBBB");
        ShardExchange.setSignedHeaders(exchange, signed);

        HttpHeaders sent = filter.filter(exchange.getRequest().getHeaders(), exchange);

        assertThat(sent.get(GatewayHeaders.USER)).containsExactly("alice");
        assertThat(sent.get(GatewayHeaders.NONCE)).containsExactly("BBBBBBBBBBBBBBBBBBBBBB");
    }

    @Test
    void removesHopByHopHeadersAndEveryHeaderTheConnectionHeaderNames() {
        HttpHeaders sent = send(MockServerHttpRequest.post("/api/users/alice/bookmarks")
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

        assertThat(sent.headerNames()).map(String::toLowerCase)
                .doesNotContain("connection", "x-hop-one", "x-hop-two", "keep-alive", "proxy-connection", "te",
                        "trailer", "transfer-encoding", "upgrade", "proxy-authorization");
        assertThat(sent.getFirst("Content-Type")).isEqualTo("application/json");
        assertThat(sent.getFirst("Idempotency-Key")).isEqualTo("k-1");
    }

    @Test
    void keepsTheUsersTokenAtTheEdge() {
        HttpHeaders sent = send(MockServerHttpRequest.get("/api/users/alice/bookmarks")
                .header("authorization", "Bearer eyJ.token.here"));

        assertThat(sent.containsHeader("Authorization")).isFalse();
    }

    @Test
    void keepsTheBrowsersCookiesAtTheEdge() {
        HttpHeaders sent = send(MockServerHttpRequest.get("/api/users/alice/bookmarks")
                .header("cookie", "JSESSIONID=issuer-session")
                .header("COOKIE", "other=1"));

        assertThat(sent.containsHeader("Cookie")).isFalse();
    }

    @Test
    void dropsAContentLengthBesideChunkedTransferEncodingAndKeepsOneAlone() {
        HttpHeaders both = send(MockServerHttpRequest.post("/api/users/alice/bookmarks")
                .header("Transfer-Encoding", " Chunked ")
                .header("Content-Length", "10"));
        HttpHeaders lengthAlone = send(MockServerHttpRequest.post("/api/users/alice/bookmarks")
                .header("Content-Length", "10"));

        assertThat(both.containsHeader("Content-Length")).isFalse();
        assertThat(both.containsHeader("Transfer-Encoding")).isFalse();
        assertThat(lengthAlone.getFirst("Content-Length")).isEqualTo("10");
    }

    @Test
    void replacesEveryForwardingHeaderOfAnUntrustedClientInAnyLetterCase() {
        HttpHeaders sent = send(MockServerHttpRequest.get("http://gateway.example/api/users/alice")
                .remoteAddress(new InetSocketAddress("203.0.113.9", 40000))
                .header("x-forwarded-for", "6.6.6.6")
                .header("X-FORWARDED-PREFIX", "/admin")
                .header("X-Forwarded-Anything", "x")
                .header("FORWARDED", "for=6.6.6.6")
                .header("Accept", "application/json"));

        assertThat(sent.get("X-Forwarded-For")).containsExactly("203.0.113.9");
        assertThat(sent.containsHeader("X-Forwarded-Prefix")).isFalse();
        assertThat(sent.containsHeader("X-Forwarded-Anything")).isFalse();
        assertThat(sent.containsHeader("Forwarded")).isFalse();
        assertThat(sent.getFirst("Accept")).isEqualTo("application/json");
    }

    @Test
    void leavesTheRequestItReadsUnchanged() {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/api/users/alice")
                .header("Authorization", "Bearer eyJ.token.here")
                .header("Accept", "application/json"));

        filter.filter(exchange.getRequest().getHeaders(), exchange);

        assertThat(exchange.getRequest().getHeaders().getFirst("Authorization")).isEqualTo("Bearer eyJ.token.here");
    }

    @Test
    void appliesToRequestsOnly() {
        assertThat(filter.supports(org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter.Type.REQUEST))
                .isTrue();
        assertThat(filter.supports(org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter.Type.RESPONSE))
                .isFalse();
    }

    private HttpHeaders send(MockServerHttpRequest.BaseBuilder<?> request) {
        MockServerWebExchange exchange = MockServerWebExchange.from(request);
        return filter.filter(exchange.getRequest().getHeaders(), exchange);
    }
}
