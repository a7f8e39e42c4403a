package dev.bookmarks.registry;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * RFC 9457 problems thrown from Actuator operations. Spring renders an
 * {@link ErrorResponseException} as {@code application/problem+json} when
 * {@code spring.mvc.problemdetails.enabled} (or the WebFlux equivalent) is on, on the management
 * port as on the main one.
 */
public final class Problems {

    private Problems() {
    }

    public static ErrorResponseException of(HttpStatus status, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(title);
        return new ErrorResponseException(status, problem, null);
    }
}
