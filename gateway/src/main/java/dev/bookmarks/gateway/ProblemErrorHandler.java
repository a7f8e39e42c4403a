package dev.bookmarks.gateway;

import dev.bookmarks.gateway.exchange.ShardExchange;
import dev.bookmarks.gateway.exchange.ShardRoute;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.webflux.error.ErrorWebExceptionHandler;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponse;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Renders every error on the public port as problem+json, ahead of Spring Boot's handler (which
 * would answer with its own JSON shape):
 *
 * <ul>
 *   <li>an {@link ErrorResponse} (what the gateway's own code throws, and Spring's and Spring Cloud
 *       Gateway's status exceptions, such as 404 for an unknown path or 504 for a shard that did not
 *       answer in time) keeps its status, headers and detail;
 *   <li>a shard that the ring names but that refuses or never accepts the connection is a 503 with
 *       {@code Retry-After}: the ring decides where a user's data is, so no other shard is tried;
 *   <li>a shard that does not answer within the response timeout is a 504;
 *   <li>a connection to the shard that breaks before its answer (closed early, reset) is a 502;
 *   <li>anything else is a 500 whose detail says nothing about the cause, which goes to the log.
 * </ul>
 */
public final class ProblemErrorHandler implements ErrorWebExceptionHandler, Ordered {

    /** Before Spring Boot's {@code DefaultErrorWebExceptionHandler}, which is at -1. */
    public static final int ORDER = GatewayFilterOrder.PROBLEM_ERROR_HANDLER;

    private static final Logger log = LoggerFactory.getLogger(ProblemErrorHandler.class);

    private final String retryAfterSeconds;

    public ProblemErrorHandler(GatewayProperties properties) {
        this.retryAfterSeconds = properties.retryAfterHeader();
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable error) {
        if (exchange.getResponse().isCommitted()) {
            return Mono.error(error);
        }
        if (error instanceof ErrorResponse response) {
            return Problems.write(exchange, response.getStatusCode(), response.getHeaders(), response.getBody());
        }
        ShardRoute route = ShardExchange.route(exchange);
        String shard = route == null ? "the shard" : "shard " + route.shardId() + " at " + route.url();
        if (ShardFailures.isConnectFailure(error)) {
            log.warn("Cannot connect to {}: {}", shard, error.toString());
            ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE,
                    "the shard that holds this user's data is unreachable; try again shortly");
            problem.setTitle("Shard unavailable");
            HttpHeaders headers = new HttpHeaders();
            headers.set(HttpHeaders.RETRY_AFTER, retryAfterSeconds);
            return Problems.write(exchange, HttpStatus.SERVICE_UNAVAILABLE, headers, problem);
        }
        if (ShardFailures.isTimeout(error)) {
            log.warn("{} did not answer within the response timeout: {}", shard, error.toString());
            return Problems.write(exchange, HttpStatus.GATEWAY_TIMEOUT, "Shard timeout",
                    "the shard that holds this user's data did not answer in time");
        }
        if (ShardFailures.isConnectionLost(error)) {
            log.warn("The connection to {} broke before its answer: {}", shard, error.toString());
            return Problems.write(exchange, HttpStatus.BAD_GATEWAY, "Shard failed",
                    "the connection to the shard that holds this user's data broke before its answer");
        }
        log.error("Unexpected error on {} {}", exchange.getRequest().getMethod(),
                exchange.getRequest().getPath().value(), error);
        return Problems.write(exchange, HttpStatus.INTERNAL_SERVER_ERROR, "Internal error",
                "the gateway failed to handle this request; the cause is in its log");
    }
}
