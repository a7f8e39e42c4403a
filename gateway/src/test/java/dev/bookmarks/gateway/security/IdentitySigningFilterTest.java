package dev.bookmarks.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR;

import dev.bookmarks.gateway.ProxyAllowList;
import dev.bookmarks.gateway.exchange.ShardExchange;
import dev.bookmarks.gateway.exchange.ShardRoute;
import dev.bookmarks.gateway.headers.ShardRequestHeadersFilter;
import dev.bookmarks.protocol.BodyDigest;
import dev.bookmarks.protocol.GatewayHeaders;
import dev.bookmarks.protocol.InternalSecret;
import dev.bookmarks.protocol.RequestSigner;
import dev.bookmarks.protocol.RequestVerifier.Verdict;
import dev.bookmarks.protocol.RequestVerifier;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

class IdentitySigningFilterTest {

    private static final InternalSecret SECRET = InternalSecret.parse("a-test-secret-of-at-least-32-bytes-long");
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-01T12:00:00Z"), ZoneOffset.UTC);
    private static final String BODY = "{\"url\":\"https://example.com/\"}";

    private final IdentitySigningFilter filter = new IdentitySigningFilter(new RequestSigner(SECRET, CLOCK));
    private static final ShardRequestHeadersFilter SENT_HEADERS = new ShardRequestHeadersFilter(ProxyAllowList.of(List.of()));

    private final RequestVerifier verifier = new RequestVerifier(List.of(SECRET), "s-1", Duration.ofSeconds(30), CLOCK);

    @Test
    void signsTheUserAndTheEpochOfTheRouteForExactlyTheUrlThatIsSent() {
        MockServerWebExchange exchange = routed("GET", "/api/users/alice/bookmarks?tag=a%20b&limit=5", "alice", 41);

        Sent sent = forward(exchange);

        Verdict verdict = verify(sent, "GET", "/api/users/alice/bookmarks", "tag=a%20b&limit=5", List.of(), "");
        assertThat(verdict).isEqualTo(new Verdict.Verified("alice", 41));
        assertThat(sent.headers().getFirst(GatewayHeaders.USER)).isEqualTo("alice");
        assertThat(sent.headers().getFirst(GatewayHeaders.EPOCH)).isEqualTo("41");
    }

    @Test
    void signsTheBodyAndTheIdempotencyKeyThatAreSent() {
        MockServerWebExchange exchange = routed("POST", "/api/users/alice/bookmarks", "alice", 3,
                MockServerHttpRequest.post("http://gateway.example/api/users/alice/bookmarks")
                        .header("Idempotency-Key", "k-1").contentLength(BODY.length()).body(BODY));

        Sent sent = forward(exchange);

        assertThat(sent.body()).isEqualTo(BODY);
        assertThat(verify(sent, "POST", "/api/users/alice/bookmarks", null, List.of("k-1"), BODY))
                .isEqualTo(new Verdict.Verified("alice", 3));
    }

    @Test
    void makesASignatureThatFailsForAnotherPathQueryMethodBodyOrKey() {
        Sent sent = forward(routed("POST", "/api/users/alice/bookmarks?tag=x", "alice", 3,
                MockServerHttpRequest.post("http://gateway.example/api/users/alice/bookmarks?tag=x")
                        .header("Idempotency-Key", "k-1").contentLength(BODY.length()).body(BODY)));
        String path = "/api/users/alice/bookmarks";

        assertThat(verify(sent, "POST", "/api/users/bob/bookmarks", "tag=x", List.of("k-1"), BODY))
                .isInstanceOf(Verdict.Refused.class);
        assertThat(verify(sent, "POST", path, "tag=y", List.of("k-1"), BODY)).isInstanceOf(Verdict.Refused.class);
        assertThat(verify(sent, "PUT", path, "tag=x", List.of("k-1"), BODY)).isInstanceOf(Verdict.Refused.class);
        assertThat(verify(sent, "POST", path, "tag=x", List.of("k-1"), "{}")).isInstanceOf(Verdict.Refused.class);
        assertThat(verify(sent, "POST", path, "tag=x", List.of("k-2"), BODY)).isInstanceOf(Verdict.Refused.class);
        assertThat(verify(sent, "POST", path, "tag=x", List.of(), BODY)).isInstanceOf(Verdict.Refused.class);
        assertThat(verify(sent, "POST", path, "tag=x", List.of("k-1"), BODY)).isInstanceOf(Verdict.Verified.class);
    }

    @Test
    void signsARequestThatDeclaresNoBodyWithTheEmptyBodysDigestSoThatAnUndeclaredBodyIsRefused() {
        Sent get = forward(routed("GET", "/api/users/alice/bookmarks", "alice", 3));
        // Without Content-Length or Transfer-Encoding no body is held or digested (ShardExchange.declaresBody).
        Sent undeclared = forward(routed("POST", "/api/users/alice/bookmarks", "alice", 3,
                MockServerHttpRequest.post("http://gateway.example/api/users/alice/bookmarks").body(BODY)));

        assertThat(verify(get, "GET", "/api/users/alice/bookmarks", null, List.of(), ""))
                .isEqualTo(new Verdict.Verified("alice", 3));
        assertThat(verify(undeclared, "POST", "/api/users/alice/bookmarks", null, List.of(), BODY))
                .isInstanceOf(Verdict.Refused.class);
    }

    /** What a retry or a re-send after a 421 does: the same exchange through this filter again. */
    @Test
    void signsEveryAttemptAgainWithANewNonceAndTheSameHeldBody() {
        MockServerWebExchange exchange = routed("POST", "/api/users/alice/bookmarks", "alice", 3,
                MockServerHttpRequest.post("http://gateway.example/api/users/alice/bookmarks")
                        .header("Idempotency-Key", "k-1").contentLength(BODY.length()).body(BODY));
        // As ShardRetryFilter does in front of this filter: the body held once for every attempt.
        ServerWebExchange held = ServerWebExchangeUtils.cacheRequestBody(exchange,
                request -> Mono.just(exchange.mutate().request(request).build())).block(Duration.ofSeconds(5));

        List<Sent> attempts = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            attempts.add(forward(held));
        }

        assertThat(attempts).extracting(attempt -> attempt.headers().getFirst(GatewayHeaders.NONCE))
                .doesNotHaveDuplicates();
        assertThat(attempts).extracting(Sent::body).containsOnly(BODY);
        for (Sent attempt : attempts) {
            assertThat(verify(attempt, "POST", "/api/users/alice/bookmarks", null, List.of("k-1"), BODY))
                    .isEqualTo(new Verdict.Verified("alice", 3));
        }
    }

    @Test
    void replacesAnyIdentityHeadersAlreadyOnTheRequest() {
        MockServerWebExchange exchange = routed("GET", "/api/users/alice", "alice", 9,
                MockServerHttpRequest.get("http://gateway/api/users/alice").header(GatewayHeaders.USER, "mallory")
                        .header(GatewayHeaders.NONCE, "AAAAAAAAAAAAAAAAAAAAAA"));

        HttpHeaders sent = forward(exchange).headers();

        assertThat(sent.get(GatewayHeaders.USER)).containsExactly("alice");
        assertThat(sent.get(GatewayHeaders.NONCE)).hasSize(1).doesNotContain("AAAAAAAAAAAAAAAAAAAAAA");
    }

    @Test
    void refusesToSignAUserTheTokenDidNotProve() {
        MockServerWebExchange exchange = routed("GET", "/api/users/alice", "alice", 9);
        ShardExchange.setUser(exchange, "bob");

        assertThatThrownBy(() -> forward(exchange)).isInstanceOfSatisfying(ErrorResponseException.class,
                e -> assertThat(e.getStatusCode().value()).isEqualTo(403));

        ShardExchange.setUser(exchange, null);
        assertThatThrownBy(() -> forward(exchange)).isInstanceOf(ErrorResponseException.class);
    }

    @Test
    void leavesRequestsTheLoadBalancerDidNotRouteAlone() {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/elsewhere"));

        HttpHeaders sent = forward(exchange).headers();

        assertThat(sent.containsHeader(GatewayHeaders.SIGNATURE)).isFalse();
    }

    private static MockServerWebExchange routed(String method, String pathAndQuery, String user, long epoch) {
        return routed(method, pathAndQuery, user, epoch,
                MockServerHttpRequest.method(HttpMethod.valueOf(method), URI.create("http://gateway.example" + pathAndQuery)));
    }

    private static MockServerWebExchange routed(String method, String pathAndQuery, String user, long epoch,
            MockServerHttpRequest.BaseBuilder<?> request) {
        return routed(method, pathAndQuery, user, epoch, request.build());
    }

    private static MockServerWebExchange routed(String method, String pathAndQuery, String user, long epoch,
            MockServerHttpRequest request) {
        assertThat(request.getMethod().name()).isEqualTo(method);
        MockServerWebExchange exchange = MockServerWebExchange.from(request);
        ShardExchange.setRoute(exchange,
                new ShardRoute(user, 17, "s-1", URI.create("http://10.0.0.1:8080"), epoch));
        exchange.getAttributes().put(GATEWAY_REQUEST_URL_ATTR, URI.create("http://10.0.0.1:8080" + pathAndQuery));
        ShardExchange.setUser(exchange, user);
        return exchange;
    }

    /** The headers the shard gets (as {@link ShardRequestHeadersFilter} builds them) and the body it is sent. */
    private record Sent(HttpHeaders headers, String body) {
    }

    private Sent forward(ServerWebExchange exchange) {
        AtomicReference<ServerWebExchange> seen = new AtomicReference<>();
        AtomicReference<String> body = new AtomicReference<>("");
        GatewayFilterChain chain = next -> {
            seen.set(next);
            return DataBufferUtils.join(next.getRequest().getBody()).doOnNext(buffer -> {
                body.set(buffer.toString(StandardCharsets.UTF_8));
                DataBufferUtils.release(buffer);
            }).then();
        };
        filter.filter(exchange, chain).block(Duration.ofSeconds(5));
        return new Sent(SENT_HEADERS.filter(seen.get().getRequest().getHeaders(), seen.get()), body.get());
    }

    private Verdict verify(Sent sent, String method, String rawPath, String rawQuery, List<String> keys, String body) {
        return verifier.verify(method, rawPath, rawQuery, keys, BodyDigest.of(body.getBytes(StandardCharsets.UTF_8)),
                name -> sent.headers().getFirst(name));
    }
}
