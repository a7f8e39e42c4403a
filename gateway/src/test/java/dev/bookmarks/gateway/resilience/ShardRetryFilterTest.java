package dev.bookmarks.gateway.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

class ShardRetryFilterTest {

    private static final Duration CONFIGURED = Duration.ofSeconds(10);

    @Test
    void handsEveryAttemptTheOverallDeadlineThatCutsItsResponseTimeout() {
        ShardRetryFilter filter = filter(Map.of("bookmarks.gateway.resilience.retry.overall-timeout", "2s"));
        MockServerWebExchange exchange = MockServerWebExchange.from(
                MockServerHttpRequest.get("/api/users/alice/bookmarks"));
        List<Duration> seen = new ArrayList<>();
        long before = System.nanoTime();

        StepVerifier.create(filter.filter(exchange, attempt -> Mono.deferContextual(context -> {
            seen.add(AttemptDeadline.responseTimeout(CONFIGURED, context, before));
            return Mono.empty();
        }))).verifyComplete();

        assertThat(seen).hasSize(1);
        assertThat(seen.get(0)).as("the 2 s deadline, counted from no earlier than the test's clock reading")
                .isLessThan(CONFIGURED).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void leavesTheResponseTimeoutAloneWhenTheOverallDeadlineIsLonger() {
        ShardRetryFilter filter = filter(Map.of());
        MockServerWebExchange exchange = MockServerWebExchange.from(
                MockServerHttpRequest.get("/api/users/alice/bookmarks"));
        List<Duration> seen = new ArrayList<>();

        StepVerifier.create(filter.filter(exchange, attempt -> Mono.deferContextual(context -> {
            seen.add(AttemptDeadline.responseTimeout(CONFIGURED, context, System.nanoTime()));
            return Mono.empty();
        }))).verifyComplete();

        assertThat(seen).containsExactly(CONFIGURED);
    }

    private static ShardRetryFilter filter(Map<String, String> properties) {
        ResilienceProperties resilience = new Binder(new MapConfigurationPropertySource(properties))
                .bindOrCreate("bookmarks.gateway.resilience", ResilienceProperties.class);
        ResilienceProperties.Retry retry = resilience.retry();
        return new ShardRetryFilter(retry, new Backoff(retry.backoffBase(), retry.backoffMax(), new Random(7)),
                RetryBudget.newBuilder().build(), new ShardCircuitBreakers(resilience.circuitBreaker()),
                new RingChanges(), new SimpleMeterRegistry());
    }
}
