package dev.bookmarks.gateway.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.ErrorResponse;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

class ShardRetryFilterTest {

    @Test
    void answers504WhenNoAttemptEndsBeforeTheOverallDeadline() {
        ResilienceProperties properties = new Binder(new MapConfigurationPropertySource(
                Map.of("bookmarks.gateway.resilience.retry.overall-timeout", "200ms")))
                .bindOrCreate("bookmarks.gateway.resilience", ResilienceProperties.class);
        ResilienceProperties.Retry retry = properties.retry();
        ShardRetryFilter filter = new ShardRetryFilter(retry,
                new Backoff(retry.backoffBase(), retry.backoffMax(), new Random(7)), RetryBudget.newBuilder().build(),
                new ShardCircuitBreakers(properties.circuitBreaker()), new SimpleMeterRegistry());
        MockServerWebExchange exchange = MockServerWebExchange.from(
                MockServerHttpRequest.get("/api/users/alice/bookmarks"));

        StepVerifier.create(filter.filter(exchange, attempt -> Mono.never()))
                .expectErrorSatisfies(error -> {
                    assertThat(error).isInstanceOf(ErrorResponse.class);
                    assertThat(((ErrorResponse) error).getStatusCode().value()).isEqualTo(504);
                    assertThat(((ErrorResponse) error).getBody().getTitle()).isEqualTo("Shard timeout");
                })
                .verify(Duration.ofSeconds(10));
    }
}
