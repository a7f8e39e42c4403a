package dev.bookmarks.bookmarkservice.migration;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * The RFC 9457 problems of the internal migration API, shaped like the public API's: a refusal that blames part
 * of the request names it in {@code errors} ({@code [{"field", "detail"}]}).
 */
final class MigrationProblems {

    private MigrationProblems() {
    }

    /** 400: a parameter breaks its rule. */
    static ErrorResponseException invalid(String field, String detail) {
        ProblemDetail body = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, field + ": " + detail);
        body.setTitle("Invalid request");
        body.setProperty("errors", List.of(Map.of("field", field, "detail", detail)));
        return new ErrorResponseException(HttpStatus.BAD_REQUEST, body, null);
    }

    /**
     * 410: entries after {@code after} were deleted by the log's retention (through {@code deletedThrough}), so
     * the log can no longer bring a copy made from that position up to date.
     */
    static ErrorResponseException truncated(long after, long deletedThrough) {
        ProblemDetail body = ProblemDetail.forStatusAndDetail(HttpStatus.GONE, "entries after " + after
                + " were deleted by the change log's retention (through " + deletedThrough
                + "); read the position and copy the slots again");
        body.setTitle("Change log truncated");
        body.setProperty("deletedThrough", deletedThrough);
        body.setProperty("errors", List.of(Map.of("field", "after", "detail", "older than the log's retention")));
        return new ErrorResponseException(HttpStatus.GONE, body, null);
    }

    /** 403: the ring this shard holds does not migrate {@code slot} from here to the calling shard. */
    static ErrorResponseException notMigratingTo(String caller, String shardId, int slot, long epoch) {
        ProblemDetail body = ProblemDetail.forStatusAndDetail(HttpStatus.FORBIDDEN, "at epoch " + epoch + " slot "
                + slot + " is not migrating from " + shardId + " to " + caller
                + ": a shard reads only the slots moving to it");
        body.setTitle("Not migrating to the caller");
        body.setProperty("epoch", epoch);
        return new ErrorResponseException(HttpStatus.FORBIDDEN, body, null);
    }

    /** 503 before the first ring: slots cannot be told or checked. */
    static ErrorResponseException noRing(Duration retryAfter) {
        ProblemDetail body = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE,
                "this shard has not loaded the ring, so it cannot tell whose data it holds");
        body.setTitle("No ring yet");
        ErrorResponseException problem = new ErrorResponseException(HttpStatus.SERVICE_UNAVAILABLE, body, null);
        problem.getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(retryAfter.toSeconds()));
        return problem;
    }

    /**
     * 503: the caller asked for the position as of an epoch this shard does not hold yet, and it did not read it
     * from Redis in time. Retry: the shard polls Redis and is told of every change.
     */
    static ErrorResponseException epochNotHeld(long wanted, long held) {
        ProblemDetail body = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, "this shard holds epoch "
                + held + ", older than the epoch " + wanted + " asked for; it reads Redis again, retry in a moment");
        body.setTitle("Epoch not held yet");
        body.setProperty("epoch", held);
        ErrorResponseException problem = new ErrorResponseException(HttpStatus.SERVICE_UNAVAILABLE, body, null);
        problem.getHeaders().set(HttpHeaders.RETRY_AFTER, "1");
        return problem;
    }
}
