package dev.bookmarks.gateway;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * RFC 9457 answers. Code on the request path throws {@link #of} (or {@link #unavailable}); the
 * {@link ProblemErrorHandler} and the security handlers {@link #write} them. Every error the gateway
 * itself produces is {@code application/problem+json}.
 */
public final class Problems {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private Problems() {
    }

    /** A problem to throw (or to return as {@code Mono.error}); rendered by {@link ProblemErrorHandler}. */
    public static ErrorResponseException of(HttpStatus status, String title, String detail) {
        return dev.bookmarks.registry.Problems.of(status, title, detail);
    }

    /** A 503 that tells the client when to try again. */
    public static ErrorResponseException unavailable(String title, String detail, String retryAfterSeconds) {
        ErrorResponseException problem = of(HttpStatus.SERVICE_UNAVAILABLE, title, detail);
        problem.getHeaders().set(HttpHeaders.RETRY_AFTER, retryAfterSeconds);
        return problem;
    }

    /**
     * Writes {@code problem} as the whole response, replacing any headers a shard's answer had
     * already put on it, so that nothing of a half-proxied response leaks into the error.
     */
    public static Mono<Void> write(ServerWebExchange exchange, HttpStatusCode status, HttpHeaders headers,
            ProblemDetail problem) {
        ServerHttpResponse response = exchange.getResponse();
        response.getHeaders().clear();
        response.getHeaders().putAll(headers);
        response.setStatusCode(status);
        response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        byte[] body = JSON.writeValueAsBytes(toMap(status, problem, exchange.getRequest().getPath().value()));
        response.getHeaders().setContentLength(body.length);
        return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
    }

    /** Writes a problem with no extra headers. */
    public static Mono<Void> write(ServerWebExchange exchange, HttpStatus status, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(title);
        return write(exchange, status, HttpHeaders.EMPTY, problem);
    }

    /** RFC 9457 members; an absent {@code type} means {@code about:blank}, as the RFC says. */
    private static Map<String, Object> toMap(HttpStatusCode status, ProblemDetail problem, String path) {
        Map<String, Object> body = new LinkedHashMap<>();
        if (problem.getType() != null) {
            body.put("type", problem.getType().toString());
        }
        HttpStatus known = HttpStatus.resolve(status.value());
        body.put("title", problem.getTitle() != null ? problem.getTitle()
                : known != null ? known.getReasonPhrase() : "Error");
        body.put("status", status.value());
        if (problem.getDetail() != null) {
            body.put("detail", problem.getDetail());
        }
        body.put("instance", problem.getInstance() != null ? problem.getInstance().toString() : path);
        if (problem.getProperties() != null) {
            problem.getProperties().forEach(body::putIfAbsent);
        }
        return body;
    }
}
