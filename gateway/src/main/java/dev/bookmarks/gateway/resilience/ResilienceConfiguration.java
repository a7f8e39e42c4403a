package dev.bookmarks.gateway.resilience;

import dev.bookmarks.gateway.GatewayFilterOrder;
import dev.bookmarks.gateway.GatewayProperties;
import dev.bookmarks.gateway.exchange.ShardExchange;
import dev.bookmarks.registry.Heartbeats;
import dev.bookmarks.registry.RingWatcher;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.gateway.config.HttpClientCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Circuit breakers and the attempt loop towards the shards: {@link ShardRetryFilter} (connect failures and
 * shard 503s; budget, backoff, deadline) around {@link MisdirectedRetryFilter} (a 421: re-read the ring,
 * retry once), both outside the load balancer, and {@link ShardCircuitBreakerFilter} inside it, once the
 * shard is known. Their places among the other filters are in {@link GatewayFilterOrder}. This package
 * holds the request body for every attempt ({@link ShardExchange#markBodyHeld}); nothing outside it sends
 * a request twice.
 *
 * An open breaker lets probes through early when its shard restarts ({@link RestartedShardProbe}).
 *
 * <p>Metrics: Resilience4j's {@code resilience4j.circuitbreaker.*} (tag {@code name} = shard id),
 * {@value ShardRetryFilter#RETRIES_METRIC}, {@value #BUDGET_METRIC} and {@value RestartedShardProbe#METRIC}.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ResilienceProperties.class)
public class ResilienceConfiguration {

    /** Gauge: retries the budget allows right now. */
    public static final String BUDGET_METRIC = "bookmarks.gateway.retry.budget.tokens";

    @Bean
    ShardCircuitBreakers shardCircuitBreakers(ResilienceProperties properties, MeterRegistry meters) {
        ShardCircuitBreakers breakers = new ShardCircuitBreakers(properties.circuitBreaker());
        TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(breakers.registry()).bindTo(meters);
        return breakers;
    }

    @Bean
    RestartedShardProbe restartedShardProbe(ShardCircuitBreakers breakers, Heartbeats heartbeats,
            ResilienceProperties properties, MeterRegistry meters) {
        ResilienceProperties.CircuitBreaker breaker = properties.circuitBreaker();
        return new RestartedShardProbe(breakers, heartbeats::liveness, breaker.restartCheckInterval(),
                breaker.probeOnRestart(), meters);
    }

    @Bean
    RetryBudget retryBudget(ResilienceProperties properties, MeterRegistry meters) {
        ResilienceProperties.Retry retry = properties.retry();
        RetryBudget budget = RetryBudget.newBuilder()
                .ratio(retry.budgetRatio())
                .minRetriesPerSecond(retry.budgetMinPerSecond())
                .maxTokens(retry.budgetMaxTokens())
                .build();
        Gauge.builder(BUDGET_METRIC, budget, RetryBudget::available)
                .description("Retries of failed shard calls the retry budget allows now")
                .register(meters);
        return budget;
    }

    /**
     * Each attempt's response timeout, on the connection's event loop ({@link ResilienceProperties#responseTimeout}),
     * cut to what is left of the request's overall deadline ({@link AttemptDeadline}).
     */
    @Bean
    HttpClientCustomizer shardResponseTimeout(ResilienceProperties properties) {
        Duration configured = properties.responseTimeout();
        return client -> client.responseTimeout(configured).doOnRequest((request, connection) -> request
                .responseTimeout(AttemptDeadline.responseTimeout(configured, request.currentContextView(),
                        System.nanoTime())));
    }

    /**
     * Shard host names are re-resolved at least every {@link ResilienceProperties#dnsMaxTtl}: Reactor Netty's own
     * DNS resolver otherwise keeps an address for the answer's TTL, which container DNS servers make long.
     */
    @Bean
    HttpClientCustomizer shardDnsMaxTtl(ResilienceProperties properties) {
        Duration maxTtl = properties.dnsMaxTtl();
        return client -> client.resolver(spec -> spec.cacheMaxTimeToLive(maxTtl));
    }

    @Bean
    ShardCircuitBreakerFilter shardCircuitBreakerFilter(ShardCircuitBreakers breakers) {
        return new ShardCircuitBreakerFilter(breakers);
    }

    @Bean
    ShardRetryFilter shardRetryFilter(ResilienceProperties properties, RetryBudget budget,
            ShardCircuitBreakers breakers, RingWatcher watcher, MeterRegistry meters) {
        ResilienceProperties.Retry retry = properties.retry();
        Backoff backoff = new Backoff(retry.backoffBase(), retry.backoffMax(), ThreadLocalRandom.current());
        return new ShardRetryFilter(retry, backoff, budget, breakers, RingChanges.of(watcher), meters);
    }

    @Bean
    MisdirectedRetryFilter misdirectedRetryFilter(RingWatcher watcher, GatewayProperties properties,
            ShardRetryFilter retries) {
        return new MisdirectedRetryFilter(watcher::refresh, properties.ringRefreshTimeout(),
                properties.retryAfterHeader(), retries::onMisdirectedRetry);
    }

    @Bean
    CircuitBreakersEndpoint circuitBreakersEndpoint(ShardCircuitBreakers breakers, RetryBudget budget) {
        return new CircuitBreakersEndpoint(breakers, budget);
    }
}
