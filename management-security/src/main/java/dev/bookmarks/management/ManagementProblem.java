package dev.bookmarks.management;

import org.springframework.http.HttpStatus;

/** The problem+json body of a management refusal; every detail is a fixed sentence of this package. */
final class ManagementProblem {

    private ManagementProblem() {
    }

    static String json(HttpStatus status, String detail) {
        return "{\"type\":\"about:blank\",\"title\":\"" + status.getReasonPhrase() + "\",\"status\":" + status.value()
                + ",\"detail\":\"" + detail + "\"}";
    }
}
