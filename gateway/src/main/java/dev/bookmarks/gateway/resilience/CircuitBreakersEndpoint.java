package dev.bookmarks.gateway.resilience;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * {@code /actuator/circuitbreakers}: each shard's breaker (state and window metrics) and the retry
 * budget. Resilience4j's own endpoint lives in {@code resilience4j-spring-boot3}, built for Spring
 * Boot 3, and Spring Cloud CircuitBreaker has none; this read-only view is all the gateway needs.
 */
@Endpoint(id = "circuitbreakers")
public class CircuitBreakersEndpoint {

    private final ShardCircuitBreakers breakers;
    private final RetryBudget budget;

    public CircuitBreakersEndpoint(ShardCircuitBreakers breakers, RetryBudget budget) {
        this.breakers = breakers;
        this.budget = budget;
    }

    @ReadOperation
    public Map<String, Object> circuitBreakers() {
        Map<String, Object> shards = new TreeMap<>();
        for (CircuitBreaker breaker : breakers.registry().getAllCircuitBreakers()) {
            CircuitBreaker.Metrics metrics = breaker.getMetrics();
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("state", breaker.getState().name());
            view.put("failureRate", metrics.getFailureRate());
            view.put("slowCallRate", metrics.getSlowCallRate());
            view.put("bufferedCalls", metrics.getNumberOfBufferedCalls());
            view.put("failedCalls", metrics.getNumberOfFailedCalls());
            view.put("slowCalls", metrics.getNumberOfSlowCalls());
            view.put("notPermittedCalls", metrics.getNumberOfNotPermittedCalls());
            shards.put(breaker.getName(), view);
        }
        Map<String, Object> retryBudget = new LinkedHashMap<>();
        retryBudget.put("availableRetries", budget.available());
        retryBudget.put("ratio", budget.ratio());
        retryBudget.put("minRetriesPerSecond", budget.minRetriesPerSecond());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("circuitBreakers", shards);
        body.put("retryBudget", retryBudget);
        return body;
    }
}
