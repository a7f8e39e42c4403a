package dev.bookmarks.gateway.resilience;

import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.CLIENT_RESPONSE_ATTR;
import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.CLIENT_RESPONSE_CONN_ATTR;

import dev.bookmarks.gateway.GatewayFilterOrder;
import dev.bookmarks.gateway.ShardFailures;
import dev.bookmarks.gateway.exchange.ShardExchange;
import dev.bookmarks.gateway.exchange.ShardRoute;
import dev.bookmarks.protocol.ApiHeaders;
import dev.bookmarks.protocol.ShardHeaders;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;

/**
 * Retries a shard call that failed before the shard did anything (docs/architecture.md, "Retries and the retry budget"):
 * a connect failure (refused, unreachable, or the connect timeout: nothing was sent) or a 503 from
 * the shard. Only for GET, HEAD, OPTIONS, PUT, DELETE, or a request with an {@code Idempotency-Key};
 * at most {@code max-attempts} attempts, with exponential backoff and full jitter between them, and
 * only while the {@link RetryBudget} has a token, the shard's breaker is closed, and the overall
 * deadline leaves room for the backoff. A timeout after the request was sent is not retried.
 *
 * <p>Ordered just before {@link MisdirectedRetryFilter}, so each attempt goes again through the 421
 * handling, the load balancer (the ring), the shard's breaker and the signing filter. This filter
 * holds the request body (so that it can be sent again) and marks it ({@link ShardExchange#markBodyHeld}) so
 * that {@link MisdirectedRetryFilter} does not hold it a second time.
 *
 * <p>The overall deadline ({@code overall-timeout}) bounds the wait for the shard's response headers, all
 * attempts together: no retry starts whose backoff would end past it, and each attempt's response timeout is cut to
 * what is left of it ({@link AttemptDeadline}); when it passes, the client gets a 504 problem.
 *
 * <p>A 503 that names a slot moving ({@link ShardHeaders#SLOT_MOVING}) is no failure: the shard refused a write
 * to a slot frozen for its cutover, before it did anything, and says so. Such a request, of any method, is held
 * and sent again as soon as the ring changes (the cutover, or an abort: {@link RingChanges}), or after
 * {@value #MOVING_POLL_MILLIS} ms should that news be missed, for at most {@code slot-moving-wait} and within the
 * overall deadline; these sends take no attempt and no retry token. The client sees a write that took as long as
 * the cutover, not a 503 and a whole {@code Retry-After} second.
 */
public final class ShardRetryFilter implements GlobalFilter, Ordered {

    /** Just before {@link MisdirectedRetryFilter}. */
    public static final int ORDER = GatewayFilterOrder.SHARD_RETRY;

    /** Counter of retry decisions; tags {@code reason} and {@code decision}. */
    public static final String RETRIES_METRIC = "bookmarks.gateway.retries";

    /** How often a held write to a moving slot is sent again if no ring change came meanwhile. */
    static final long MOVING_POLL_MILLIS = 250;

    private static final Logger log = LoggerFactory.getLogger(ShardRetryFilter.class);
    private static final Set<HttpMethod> IDEMPOTENT = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS,
            HttpMethod.PUT, HttpMethod.DELETE);

    private final int maxAttempts;
    private final Backoff backoff;
    private final RetryBudget budget;
    private final ShardCircuitBreakers breakers;
    private final Duration overallTimeout;
    private final Duration slotMovingWait;
    private final RingChanges ringChanges;
    private final LongSupplier nanoTime;
    private final MeterRegistry meters;
    private final ConcurrentMap<String, Counter> counters = new ConcurrentHashMap<>();

    public ShardRetryFilter(ResilienceProperties.Retry properties, Backoff backoff, RetryBudget budget,
            ShardCircuitBreakers breakers, RingChanges ringChanges, MeterRegistry meters) {
        this.maxAttempts = properties.maxAttempts();
        this.backoff = backoff;
        this.budget = budget;
        this.breakers = breakers;
        this.overallTimeout = properties.overallTimeout();
        this.slotMovingWait = properties.slotMovingWait();
        this.ringChanges = ringChanges;
        this.nanoTime = System::nanoTime;
        this.meters = meters;
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        budget.onRequest();
        boolean retryable = isRetryable(exchange.getRequest());
        long start = nanoTime.getAsLong();
        long deadline = start + overallTimeout.toNanos();
        Deadlines deadlines = new Deadlines(deadline, Math.min(deadline, start + slotMovingWait.toNanos()));
        Mono<Void> attempts;
        if (ShardExchange.declaresBody(exchange.getRequest())) {
            attempts = ServerWebExchangeUtils.cacheRequestBody(exchange, request -> {
                ServerWebExchange cached = exchange.mutate().request(request).build();
                ShardExchange.markBodyHeld(cached);
                return attempt(cached, chain, 1, retryable, deadlines);
            });
        } else {
            // Nothing to hold: every attempt sends no body.
            ShardExchange.markBodyHeld(exchange);
            attempts = attempt(exchange, chain, 1, retryable, deadlines);
        }
        return attempts.contextWrite(context -> AttemptDeadline.put(context, deadline));
    }

    /** Whether sending the request twice is safe: an idempotent method, or an idempotency key. */
    static boolean isRetryable(ServerHttpRequest request) {
        return IDEMPOTENT.contains(request.getMethod()) || request.getHeaders().getFirst(ApiHeaders.IDEMPOTENCY_KEY) != null;
    }

    private Mono<Void> attempt(ServerWebExchange exchange, GatewayFilterChain chain, int attempt, boolean retryable,
            Deadlines deadlines) {
        // Subscribed to before the attempt is sent, so that a cutover while it is on its way is not missed.
        Mono<Void> ringChanged = ringChanges.next();
        return chain.filter(exchange)
                .then(Mono.fromCallable(() -> failureOf(exchange)))
                .onErrorResume(ShardFailures::isConnectFailure, error -> Mono.just(new Failure("connect", error)))
                .flatMap(failure -> {
                    if (failure == Failure.NONE) {
                        return Mono.<Void>empty();
                    }
                    if (failure == Failure.SLOT_MOVING) {
                        if (!holdForMovingSlot(deadlines.slotMoving())) {
                            return Mono.<Void>empty();
                        }
                        return Mono.firstWithSignal(ringChanged, Mono.delay(Duration.ofMillis(MOVING_POLL_MILLIS))
                                .then()).then(Mono.defer(() -> {
                                    discardShardAnswer(exchange);
                                    return attempt(exchange, chain, attempt, retryable, deadlines);
                                }));
                    }
                    Mono<Void> giveUp = failure.error() == null ? Mono.empty() : Mono.error(failure.error());
                    Duration delay = decide(exchange, failure, attempt, retryable, deadlines.overall());
                    if (delay == null) {
                        return giveUp;
                    }
                    return Mono.delay(delay).then(Mono.defer(() -> {
                        discardShardAnswer(exchange);
                        return attempt(exchange, chain, attempt + 1, retryable, deadlines);
                    }));
                });
    }

    /**
     * Whether a write refused for its moving slot is held and sent again: while the longest wait for the next
     * try ends before {@code deadline}. Counted as reason {@code slot_moving}.
     */
    private boolean holdForMovingSlot(long deadline) {
        boolean hold = nanoTime.getAsLong() + TimeUnit.MILLISECONDS.toNanos(MOVING_POLL_MILLIS) < deadline;
        count("slot_moving", hold ? "retried" : "deadline");
        return hold;
    }

    /** The backoff before the next attempt, or null for no retry. */
    private Duration decide(ServerWebExchange exchange, Failure failure, int attempt, boolean retryable,
            long deadline) {
        ShardRoute route = ShardExchange.route(exchange);
        String decision;
        Duration delay = null;
        if (!retryable) {
            decision = "not_idempotent";
        } else if (attempt >= maxAttempts) {
            decision = "attempts_exhausted";
        } else if (route != null && !breakers.isClosed(route.shardId())) {
            decision = "circuit_open";
        } else {
            Duration backoffDelay = backoff.delay(attempt);
            if (nanoTime.getAsLong() + backoffDelay.toNanos() >= deadline) {
                decision = "deadline";
            } else if (!budget.tryWithdraw()) {
                decision = "budget_exhausted";
            } else {
                decision = "retried";
                delay = backoffDelay;
            }
        }
        count(failure.reason(), decision);
        if (delay != null) {
            log.debug("Retrying {} {} on {} after {} ({}), attempt {}", exchange.getRequest().getMethod(),
                    exchange.getRequest().getPath().value(), route == null ? "?" : route.shardId(), failure.reason(),
                    delay, attempt + 1);
        }
        return delay;
    }

    /** Records a 421 retry, which {@link MisdirectedRetryFilter} makes without asking the budget. */
    void onMisdirectedRetry() {
        count("misdirected", budget.tryWithdraw() ? "retried" : "retried_over_budget");
    }

    private void count(String reason, String decision) {
        counters.computeIfAbsent(reason + '/' + decision, key -> Counter.builder(RETRIES_METRIC)
                .description("Retry decisions for failed shard calls")
                .tag("reason", reason).tag("decision", decision).register(meters)).increment();
    }

    private static Failure failureOf(ServerWebExchange exchange) {
        HttpStatusCode status = exchange.getResponse().getStatusCode();
        if (!ShardExchange.isShardAnswer(exchange) || status == null
                || status.value() != HttpStatus.SERVICE_UNAVAILABLE.value()) {
            return Failure.NONE;
        }
        return exchange.getResponse().getHeaders().containsHeader(ShardHeaders.SLOT_MOVING) ? Failure.SLOT_MOVING
                : Failure.UNAVAILABLE;
    }

    /**
     * Drops a shard's answer so that the request can be sent again: its connection (whose unread body
     * makes it unfit for reuse), the headers it put on the response, and the "already routed" mark that
     * would stop a second send. Both retry filters of the attempt loop use it.
     */
    static void discardShardAnswer(ServerWebExchange exchange) {
        Connection connection = exchange.getAttribute(CLIENT_RESPONSE_CONN_ATTR);
        if (connection != null) {
            connection.dispose();
        }
        exchange.getAttributes().remove(CLIENT_RESPONSE_CONN_ATTR);
        exchange.getAttributes().remove(CLIENT_RESPONSE_ATTR);
        ServerWebExchangeUtils.reset(exchange);
    }

    private record Failure(String reason, Throwable error) {

        static final Failure NONE = new Failure("none", null);
        static final Failure UNAVAILABLE = new Failure("unavailable", null);
        static final Failure SLOT_MOVING = new Failure("slot_moving", null);
    }

    /**
     * A request's deadlines, as {@link System#nanoTime()} values.
     *
     * @param overall the overall deadline: no retry waits past it
     * @param slotMoving when holding a write for its moving slot stops, never after {@code overall}
     */
    private record Deadlines(long overall, long slotMoving) {
    }
}
