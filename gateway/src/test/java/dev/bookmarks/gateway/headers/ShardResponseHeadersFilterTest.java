package dev.bookmarks.gateway.headers;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter.Type;
import org.springframework.http.HttpHeaders;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

class ShardResponseHeadersFilterTest {

    private final ShardResponseHeadersFilter filter = new ShardResponseHeadersFilter();
    private final MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/api/x"));

    @Test
    void removesTheShardConnectionsHopByHopHeadersAndThoseItsConnectionHeaderNames() {
        HttpHeaders answer = new HttpHeaders();
        answer.add("connection", "keep-alive, X-Hop");
        answer.add("X-HOP", "1");
        answer.add("Keep-Alive", "timeout=60");
        answer.add("Transfer-Encoding", "chunked");
        answer.add("X-Application-Context", "shard:8080");
        answer.add("Content-Type", "application/json");
        answer.add("X-Bookmarks-Epoch", "7");

        HttpHeaders sent = filter.filter(answer, exchange);

        assertThat(sent.headerNames()).map(String::toLowerCase)
                .containsExactlyInAnyOrder("content-type", "x-bookmarks-epoch");
    }

    @Test
    void returnsAnAnswerWithNothingToRemoveAsItIs() {
        HttpHeaders answer = new HttpHeaders();
        answer.add("Content-Type", "application/json");
        answer.add("Content-Length", "77");

        assertThat(filter.filter(answer, exchange)).isSameAs(answer);
        assertThat(answer.headerNames()).hasSize(2);
    }

    @Test
    void appliesToAnswersOnly() {
        assertThat(filter.supports(Type.RESPONSE)).isTrue();
        assertThat(filter.supports(Type.REQUEST)).isFalse();
    }
}
