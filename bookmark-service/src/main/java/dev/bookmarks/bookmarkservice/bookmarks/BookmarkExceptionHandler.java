package dev.bookmarks.bookmarkservice.bookmarks;

import dev.bookmarks.bookmarkservice.ShardProperties;
import dev.bookmarks.bookmarkservice.migration.NoRingException;
import dev.bookmarks.bookmarkservice.migration.WriteFencedException;
import dev.bookmarks.protocol.GatewayHeaders;
import dev.bookmarks.protocol.ShardHeaders;
import dev.bookmarks.ring.InvalidUserIdException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Turns what {@link BookmarkController} throws into RFC 9457 problems. Scoped to that controller
 * and ahead of Spring Boot's own problem handler, so other controllers keep theirs.
 *
 * <p>Exceptions Spring MVC raises before a controller is chosen (405 for an unsupported method,
 * 415 for a body that is not {@code application/json}) are answered by Spring Boot's problem
 * handler ({@code spring.mvc.problemdetails.enabled}), also as problems. The controller binds no
 * typed parameters and parses bodies itself ({@link RequestBodies}), so malformed JSON and wrong
 * types arrive here as this package's own 400s, with the field named.
 */
@RestControllerAdvice(assignableTypes = BookmarkController.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
final class BookmarkExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(BookmarkExceptionHandler.class);

    private final ShardProperties shard;

    BookmarkExceptionHandler(ShardProperties shard) {
        this.shard = shard;
    }

    /** This package's problems (400, 404, 409, 413, 422), as built. */
    @ExceptionHandler(ErrorResponseException.class)
    ResponseEntity<ProblemDetail> problem(ErrorResponseException e) {
        return ResponseEntity.status(e.getStatusCode()).headers(e.getHeaders()).body(e.getBody());
    }

    /** 400: the user id in the path breaks the rule {@value dev.bookmarks.ring.UserIds#PATTERN}. */
    @ExceptionHandler(InvalidUserIdException.class)
    ResponseEntity<ProblemDetail> invalidUserId(InvalidUserIdException e) {
        return problem(BookmarkProblems.invalid(List.of(new FieldError("userId", e.getMessage()))));
    }

    /**
     * 503 with {@code Retry-After} when the database is unreachable or refused for a moment (a
     * deadlock victim, a lost connection): nothing was committed, and the gateway may retry a
     * request that is safe to retry.
     */
    @ExceptionHandler({DataAccessResourceFailureException.class, TransientDataAccessException.class})
    ResponseEntity<ProblemDetail> databaseUnavailable(RuntimeException e) {
        log.warn("database unavailable", e);
        ProblemDetail body = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE,
                "the shard's database is unavailable; retry shortly");
        body.setTitle("Database unavailable");
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header(HttpHeaders.RETRY_AFTER, "1").body(body);
    }

    /**
     * 503 with the ownership filter's {@code Retry-After} when a write came before the first ring: its change
     * could not be logged under the user's slot, so it was not made. Only when the ownership filter is off (the
     * {@code test} profile) does a request get this far without a ring.
     */
    @ExceptionHandler(NoRingException.class)
    ResponseEntity<ProblemDetail> noRing(NoRingException e) {
        ProblemDetail body = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE,
                "this shard has not loaded the ring, so it cannot tell whose data it holds");
        body.setTitle("No ring yet");
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, Long.toString(shard.ownership().noRingRetryAfter().toSeconds()))
                .body(body);
    }

    /**
     * A write the fence refused where it commits ({@link WriteFencedException}): the ring changed after the
     * ownership filter let it through. Answered as the filter would answer it now: 503 with the frozen slot's
     * {@code Retry-After}, or 421 with the epoch.
     */
    @ExceptionHandler(WriteFencedException.class)
    ResponseEntity<ProblemDetail> fenced(WriteFencedException e) {
        HttpStatus status = e.frozen() ? HttpStatus.SERVICE_UNAVAILABLE : HttpStatus.MISDIRECTED_REQUEST;
        ProblemDetail body = ProblemDetail.forStatusAndDetail(status, e.getMessage());
        body.setTitle(e.frozen() ? "Slot moving" : "Not this shard's user");
        body.setProperty("epoch", e.epoch());
        body.setProperty("shardId", shard.id());
        ResponseEntity.BodyBuilder answer = ResponseEntity.status(status)
                .header(GatewayHeaders.EPOCH, Long.toString(e.epoch()));
        if (e.frozen()) {
            answer = answer.header(HttpHeaders.RETRY_AFTER,
                    Long.toString(shard.ownership().frozenRetryAfter().toSeconds()))
                    .header(ShardHeaders.SLOT_MOVING, Integer.toString(e.slot()));
        }
        return answer.body(body);
    }

    /** 500 as a problem too, without internals; the log has the cause. */
    @ExceptionHandler(RuntimeException.class)
    ResponseEntity<ProblemDetail> unexpected(RuntimeException e) {
        log.error("unexpected failure serving a bookmark request", e);
        ProblemDetail body = ProblemDetail.forStatusAndDetail(HttpStatus.INTERNAL_SERVER_ERROR,
                "the shard failed to answer this request");
        body.setTitle("Internal error");
        return ResponseEntity.internalServerError().body(body);
    }
}
