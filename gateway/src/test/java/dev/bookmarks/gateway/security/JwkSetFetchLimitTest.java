package dev.bookmarks.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFunction;
import reactor.core.publisher.Mono;

class JwkSetFetchLimitTest {

    private final AtomicLong now = new AtomicLong();
    private final AtomicInteger fetches = new AtomicInteger();
    private final JwkSetFetchLimit limit = new JwkSetFetchLimit(Duration.ofSeconds(30), now::get);
    private final ClientRequest request = ClientRequest.create(HttpMethod.GET, URI.create("http://issuer/jwks")).build();
    private HttpStatus issuerAnswers = HttpStatus.OK;
    private final ExchangeFunction issuer = r -> {
        int n = fetches.incrementAndGet();
        return Mono.just(ClientResponse.create(issuerAnswers).body("{\"keys\":[],\"n\":" + n + "}").build());
    };

    @Test
    void answersTheLastSetWithoutFetchingWithinTheInterval() {
        assertThat(body()).isEqualTo("{\"keys\":[],\"n\":1}");
        now.addAndGet(Duration.ofSeconds(29).toNanos());

        for (int i = 0; i < 10; i++) {
            assertThat(body()).isEqualTo("{\"keys\":[],\"n\":1}");
        }
        assertThat(fetches).hasValue(1);
    }

    @Test
    void fetchesAgainOnceTheIntervalIsOver() {
        body();
        now.addAndGet(Duration.ofSeconds(30).toNanos());

        assertThat(body()).isEqualTo("{\"keys\":[],\"n\":2}");
        assertThat(fetches).hasValue(2);
    }

    @Test
    void aFailedFetchIsNotRemembered() {
        issuerAnswers = HttpStatus.SERVICE_UNAVAILABLE;
        assertThat(limit.filter(request, issuer).block().statusCode().value()).isEqualTo(503);

        issuerAnswers = HttpStatus.OK;
        assertThat(body()).isEqualTo("{\"keys\":[],\"n\":2}");
    }

    private String body() {
        ClientResponse response = limit.filter(request, issuer).block();
        assertThat(response.statusCode().value()).isEqualTo(200);
        return response.bodyToMono(String.class).block();
    }
}
