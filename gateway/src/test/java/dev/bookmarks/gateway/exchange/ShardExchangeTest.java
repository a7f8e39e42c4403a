package dev.bookmarks.gateway.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;

class ShardExchangeTest {

    @Test
    void aRequestWithoutContentLengthOrTransferEncodingDeclaresNoBody() {
        assertThat(ShardExchange.declaresBody(MockServerHttpRequest.get("/api/users/alice/bookmarks").build()))
                .isFalse();
        assertThat(ShardExchange.declaresBody(MockServerHttpRequest.delete("/api/users/alice/bookmarks/1")
                .header("Content-Length", "0").build())).isFalse();
    }

    @Test
    void aPositiveContentLengthOrAnyTransferEncodingDeclaresABody() {
        assertThat(ShardExchange.declaresBody(MockServerHttpRequest.post("/api/users/alice/bookmarks")
                .header("Content-Length", "1").build())).isTrue();
        assertThat(ShardExchange.declaresBody(MockServerHttpRequest.post("/api/users/alice/bookmarks")
                .header("Transfer-Encoding", "chunked").build())).isTrue();
        // A GET may carry a body too; it is held and digested like any other.
        assertThat(ShardExchange.declaresBody(MockServerHttpRequest.get("/api/users/alice/bookmarks")
                .header("transfer-encoding", "gzip, chunked").build())).isTrue();
    }
}
