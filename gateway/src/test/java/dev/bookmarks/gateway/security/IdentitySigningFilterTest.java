package dev.bookmarks.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR;

import dev.bookmarks.gateway.routing.ShardRoute;
import dev.bookmarks.signing.GatewayHeaders;
import dev.bookmarks.signing.InternalSecret;
import dev.bookmarks.signing.RequestSigner;
import dev.bookmarks.signing.RequestVerifier;
import dev.bookmarks.signing.RequestVerifier.Verdict;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

class IdentitySigningFilterTest {

    private static final InternalSecret SECRET = InternalSecret.parse("a-test-secret-of-at-least-32-bytes-long");
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-01T12:00:00Z"), ZoneOffset.UTC);

    private final IdentitySigningFilter filter = new IdentitySigningFilter(new RequestSigner(SECRET, CLOCK));
    private final RequestVerifier verifier = new RequestVerifier(List.of(SECRET), Duration.ofSeconds(30), CLOCK);

    @Test
    void signsTheUserAndTheEpochOfTheRouteForExactlyTheUrlThatIsSent() {
        MockServerWebExchange exchange = routed("POST", "/api/users/alice/bookmarks?tag=a%20b&limit=5", "alice", 41);

        ServerHttpRequest sent = forward(exchange);

        Verdict verdict = verify(sent, "POST", "/api/users/alice/bookmarks", "tag=a%20b&limit=5");
        assertThat(verdict).isEqualTo(new Verdict.Verified("alice", 41));
        assertThat(sent.getHeaders().getFirst(GatewayHeaders.USER)).isEqualTo("alice");
        assertThat(sent.getHeaders().getFirst(GatewayHeaders.EPOCH)).isEqualTo("41");
    }

    @Test
    void makesASignatureThatFailsForAnotherPathQueryOrMethod() {
        ServerHttpRequest sent = forward(routed("GET", "/api/users/alice/bookmarks?tag=x", "alice", 3));

        assertThat(verify(sent, "GET", "/api/users/bob/bookmarks", "tag=x")).isInstanceOf(Verdict.Refused.class);
        assertThat(verify(sent, "GET", "/api/users/alice/bookmarks", "tag=y")).isInstanceOf(Verdict.Refused.class);
        assertThat(verify(sent, "DELETE", "/api/users/alice/bookmarks", "tag=x")).isInstanceOf(Verdict.Refused.class);
    }

    @Test
    void replacesAnyIdentityHeadersAlreadyOnTheRequest() {
        MockServerWebExchange exchange = routed("GET", "/api/users/alice", "alice", 9,
                MockServerHttpRequest.get("http://gateway/api/users/alice").header(GatewayHeaders.USER, "mallory"));

        ServerHttpRequest sent = forward(exchange);

        assertThat(sent.getHeaders().get(GatewayHeaders.USER)).containsExactly("alice");
    }

    @Test
    void refusesToSignAUserTheTokenDidNotProve() {
        MockServerWebExchange exchange = routed("GET", "/api/users/alice", "alice", 9);
        exchange.getAttributes().put(UserPathAuthorizationFilter.USER_ATTRIBUTE, "bob");

        assertThatThrownBy(() -> forward(exchange)).isInstanceOfSatisfying(ErrorResponseException.class,
                e -> assertThat(e.getStatusCode().value()).isEqualTo(403));

        exchange.getAttributes().remove(UserPathAuthorizationFilter.USER_ATTRIBUTE);
        assertThatThrownBy(() -> forward(exchange)).isInstanceOf(ErrorResponseException.class);
    }

    @Test
    void leavesRequestsTheLoadBalancerDidNotRouteAlone() {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/elsewhere"));

        ServerHttpRequest sent = forward(exchange);

        assertThat(sent.getHeaders().containsHeader(GatewayHeaders.SIGNATURE)).isFalse();
    }

    private static MockServerWebExchange routed(String method, String pathAndQuery, String user, long epoch) {
        return routed(method, pathAndQuery, user, epoch,
                MockServerHttpRequest.method(org.springframework.http.HttpMethod.valueOf(method),
                        URI.create("http://gateway.example" + pathAndQuery)));
    }

    private static MockServerWebExchange routed(String method, String pathAndQuery, String user, long epoch,
            MockServerHttpRequest.BaseBuilder<?> request) {
        MockServerWebExchange exchange = MockServerWebExchange.from(request);
        exchange.getAttributes().put(ShardRoute.ATTRIBUTE,
                new ShardRoute(user, 17, "s-1", URI.create("http://10.0.0.1:8080"), epoch));
        exchange.getAttributes().put(GATEWAY_REQUEST_URL_ATTR, URI.create("http://10.0.0.1:8080" + pathAndQuery));
        exchange.getAttributes().put(UserPathAuthorizationFilter.USER_ATTRIBUTE, user);
        return exchange;
    }

    private ServerHttpRequest forward(ServerWebExchange exchange) {
        AtomicReference<ServerWebExchange> seen = new AtomicReference<>();
        GatewayFilterChain chain = next -> {
            seen.set(next);
            return Mono.empty();
        };
        filter.filter(exchange, chain).block(Duration.ofSeconds(5));
        return seen.get().getRequest();
    }

    private Verdict verify(ServerHttpRequest sent, String method, String rawPath, String rawQuery) {
        return verifier.verify(method, rawPath, rawQuery, sent.getHeaders().getFirst(GatewayHeaders.USER),
                sent.getHeaders().getFirst(GatewayHeaders.EPOCH), sent.getHeaders().getFirst(GatewayHeaders.TIMESTAMP),
                sent.getHeaders().getFirst(GatewayHeaders.SIGNATURE));
    }
}
