package dev.bookmarks.client;

import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Turns a refusal into a {@link BookmarksException}, and an I/O failure into one line for a message. */
final class ProblemDecoder {

    private static final int MAX_BODY_LOG = 2000;

    private final JsonMapper json;

    ProblemDecoder(JsonMapper json) {
        this.json = json;
    }

    /** The answer's problem+json title and detail, or its text when it is not JSON. */
    BookmarksException of(HttpResponse<String> response) {
        String body = response.body();
        String title = null;
        String detail = null;
        try {
            JsonNode node = json.readTree(body);
            if (node != null && node.isObject()) {
                title = text(node.get("title"));
                detail = text(node.get("detail"));
            }
        } catch (JacksonException notJson) {
            detail = body == null || body.isBlank() ? null
                    : body.length() > MAX_BODY_LOG ? body.substring(0, MAX_BODY_LOG) : body;
        }
        return new BookmarksException(response.statusCode(), title, detail, body, null);
    }

    /** What kind of failure, and its root cause's message. */
    static String describe(Throwable e) {
        if (e == null) {
            return "none";
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String kind = e instanceof HttpConnectTimeoutException ? "connect timeout"
                : e instanceof HttpTimeoutException ? "request timeout"
                : e instanceof ConnectException ? "connect failed" : e.getClass().getSimpleName();
        return kind + ": " + (root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage());
    }

    private static String text(JsonNode node) {
        return node == null || node.isNull() ? null : node.asString();
    }
}
