package dev.bookmarks.gateway.headers;

import dev.bookmarks.gateway.ProxyAllowList;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

class XForwardedHeadersWriterTest {

    private final XForwardedHeadersWriter writer =
            new XForwardedHeadersWriter(ProxyAllowList.of(List.of("10.0.0.0/8", "fd00::/8")));

    @Test
    void replacesForwardingHeadersFromAnUntrustedClientByWhatTheGatewaySaw() {
        MockServerWebExchange exchange = exchange("203.0.113.9", MockServerHttpRequest
                .get("http://gateway.example:8070/api/users/alice/bookmarks")
                .header("X-Forwarded-For", "6.6.6.6")
                .header("X-Forwarded-Host", "evil.example")
                .header("X-Forwarded-Proto", "https")
                .header("X-Forwarded-Port", "443")
                .header("X-Forwarded-Prefix", "/admin")
                .header("Forwarded", "for=6.6.6.6;proto=https"));

        HttpHeaders sent = new HttpHeaders();
        writer.write(sent, exchange);

        assertThat(sent.get("X-Forwarded-For")).containsExactly("203.0.113.9");
        assertThat(sent.get("X-Forwarded-Proto")).containsExactly("http");
        assertThat(sent.get("X-Forwarded-Host")).containsExactly("gateway.example:8070");
        assertThat(sent.get("X-Forwarded-Port")).containsExactly("8070");
        assertThat(sent.containsHeader("X-Forwarded-Prefix")).isFalse();
        assertThat(sent.containsHeader("Forwarded")).isFalse();
    }

    @Test
    void extendsTheForwardingHeadersOfATrustedProxy() {
        MockServerWebExchange exchange = exchange("10.1.2.3", MockServerHttpRequest
                .get("http://gateway.internal:8070/api/users/alice/bookmarks")
                .header("X-Forwarded-For", "198.51.100.7, 10.9.9.9")
                .header("X-Forwarded-Host", "bookmarks.example")
                .header("X-Forwarded-Proto", "https")
                .header("X-Forwarded-Port", "443"));

        HttpHeaders sent = new HttpHeaders();
        writer.write(sent, exchange);

        assertThat(sent.get("X-Forwarded-For")).containsExactly("198.51.100.7, 10.9.9.9, 10.1.2.3");
        assertThat(sent.get("X-Forwarded-Proto")).containsExactly("https");
        assertThat(sent.get("X-Forwarded-Host")).containsExactly("bookmarks.example");
        assertThat(sent.get("X-Forwarded-Port")).containsExactly("443");
    }

    @Test
    void fillsInWhatATrustedProxyLeftOut() {
        MockServerWebExchange exchange = exchange("10.1.2.3", MockServerHttpRequest
                .get("http://gateway.internal/api/users/alice"));

        HttpHeaders sent = new HttpHeaders();
        writer.write(sent, exchange);

        assertThat(sent.get("X-Forwarded-For")).containsExactly("10.1.2.3");
        assertThat(sent.get("X-Forwarded-Proto")).containsExactly("http");
        assertThat(sent.get("X-Forwarded-Port")).containsExactly("80");
        assertThat(sent.get("X-Forwarded-Host")).containsExactly("gateway.internal");
    }

    private static MockServerWebExchange exchange(String remote, MockServerHttpRequest.BaseBuilder<?> request) {
        return MockServerWebExchange.from(request.remoteAddress(new InetSocketAddress(remote, 40000)));
    }
}
