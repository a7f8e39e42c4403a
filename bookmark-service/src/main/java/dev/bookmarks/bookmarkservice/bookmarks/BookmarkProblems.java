package dev.bookmarks.bookmarkservice.bookmarks;

import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * The RFC 9457 problems this package answers with. Every one that blames part of the request
 * carries an {@code errors} member: a list of {@link FieldError}s, so a client can point at the
 * field without parsing the {@code detail} text.
 */
final class BookmarkProblems {

    /** The extension member that lists what was wrong with the request. */
    static final String ERRORS = "errors";

    private BookmarkProblems() {
    }

    /** 400: the request breaks one or more rules; nothing was stored. */
    static ErrorResponseException invalid(List<FieldError> errors) {
        String detail = errors.size() == 1
                ? errors.get(0).field() + ": " + errors.get(0).detail()
                : errors.size() + " fields are invalid";
        return problem(HttpStatus.BAD_REQUEST, "Invalid request", detail, errors);
    }

    /** 400 for a single field. */
    static ErrorResponseException invalid(String field, String detail) {
        return invalid(List.of(new FieldError(field, detail)));
    }

    /** 404: the user has no bookmark with this id. */
    static ErrorResponseException notFound() {
        return problem(HttpStatus.NOT_FOUND, "Bookmark not found", "this user has no bookmark with this id",
                List.of(new FieldError("id", "no such bookmark")));
    }

    /** 403: the path names another user than the one the gateway vouched for. */
    static ErrorResponseException anotherUser() {
        return problem(HttpStatus.FORBIDDEN, "Another user's bookmarks",
                "the gateway vouched for a different user than the one this path names",
                List.of(new FieldError("userId", "not the user the gateway vouched for")));
    }

    /** 413: the body is over {@link RequestBodies#MAX_BYTES} bytes. */
    static ErrorResponseException tooLarge() {
        return problem(HttpStatus.CONTENT_TOO_LARGE, "Request body too large",
                "the body may have at most " + RequestBodies.MAX_BYTES + " bytes",
                List.of(new FieldError("body", "more than " + RequestBodies.MAX_BYTES + " bytes")));
    }

    /** 409: a request with this Idempotency-Key is still being processed; retry after a second. */
    static ErrorResponseException keyInFlight() {
        ErrorResponseException problem = problem(HttpStatus.CONFLICT, "Request with this Idempotency-Key in progress",
                "an earlier request with this Idempotency-Key has not finished; retry it later",
                List.of(new FieldError(IdempotencyKey.HEADER, "in use by a request still in progress")));
        problem.getHeaders().set(HttpHeaders.RETRY_AFTER, "1");
        return problem;
    }

    /** 422: this Idempotency-Key was first used with another request body. */
    static ErrorResponseException keyReused() {
        return problem(HttpStatus.UNPROCESSABLE_CONTENT, "Idempotency-Key reused",
                "this Idempotency-Key was used for a different request; use a new key for a new request",
                List.of(new FieldError(IdempotencyKey.HEADER, "already used with a different request body")));
    }

    private static ErrorResponseException problem(HttpStatus status, String title, String detail,
            List<FieldError> errors) {
        ProblemDetail body = ProblemDetail.forStatusAndDetail(status, detail);
        body.setTitle(title);
        body.setProperty(ERRORS, errors);
        return new ErrorResponseException(status, body, null);
    }
}
