package dev.bookmarks.bookmarkservice.migration;

import dev.bookmarks.bookmarkservice.ShardProperties;
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

/** Turns what {@link MigrationController} throws into RFC 9457 problems; scoped to it, as the bookmarks' is. */
@RestControllerAdvice(assignableTypes = MigrationController.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
final class MigrationExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(MigrationExceptionHandler.class);

    private final ShardProperties shard;

    MigrationExceptionHandler(ShardProperties shard) {
        this.shard = shard;
    }

    /** This package's problems (400, 410), as built. */
    @ExceptionHandler(ErrorResponseException.class)
    ResponseEntity<ProblemDetail> problem(ErrorResponseException e) {
        return ResponseEntity.status(e.getStatusCode()).headers(e.getHeaders()).body(e.getBody());
    }

    /** 503 with the ownership filter's {@code Retry-After}: a ring is on its way. */
    @ExceptionHandler(NoRingException.class)
    ResponseEntity<ProblemDetail> noRing(NoRingException e) {
        return problem(MigrationProblems.noRing(shard.ownership().noRingRetryAfter()));
    }

    /** 503 when the database is unreachable, or a lock wait timed out: the call is a read, safe to repeat. */
    @ExceptionHandler({DataAccessResourceFailureException.class, TransientDataAccessException.class})
    ResponseEntity<ProblemDetail> databaseUnavailable(RuntimeException e) {
        log.warn("database unavailable to a migration read", e);
        ProblemDetail body = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE,
                "the shard's database is unavailable; retry shortly");
        body.setTitle("Database unavailable");
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header(HttpHeaders.RETRY_AFTER, "1").body(body);
    }

    /** 500 as a problem too, without internals; the log has the cause. */
    @ExceptionHandler(RuntimeException.class)
    ResponseEntity<ProblemDetail> unexpected(RuntimeException e) {
        log.error("unexpected failure serving a migration read", e);
        ProblemDetail body = ProblemDetail.forStatusAndDetail(HttpStatus.INTERNAL_SERVER_ERROR,
                "the shard failed to answer this request");
        body.setTitle("Internal error");
        return ResponseEntity.internalServerError().body(body);
    }
}
