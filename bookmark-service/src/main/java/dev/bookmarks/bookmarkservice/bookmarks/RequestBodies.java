package dev.bookmarks.bookmarkservice.bookmarks;

import dev.bookmarks.bookmarkservice.security.GatewaySignatureFilter;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamContext;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads a JSON request body: at most {@value #MAX_BYTES} bytes, strictly parsed.
 *
 * <p>This package parses its bodies itself instead of through Spring's message converters, so
 * that its rules hold whatever the application-wide mapper is configured to do: a member that
 * appears twice is refused (two parsers could otherwise disagree about which value counts),
 * content after the JSON value is refused, and every syntax error names the member it is in.
 */
final class RequestBodies {

    /**
     * The largest body accepted, in bytes (docs/architecture.md, "Limits": 64 KiB): the signature filter's
     * limit, which reads every body first.
     */
    static final int MAX_BYTES = GatewaySignatureFilter.MAX_BODY_BYTES;

    private static final JsonMapper STRICT = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            // Trailing content is checked below instead, where the error can name the body as a whole.
            .disable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private RequestBodies() {
    }

    /**
     * Reads and parses the body of {@code request}.
     *
     * @throws org.springframework.web.ErrorResponseException 413 when the body (declared or
     *     actual) is over {@value #MAX_BYTES} bytes, before more than that is read; 400 naming the
     *     member when it is empty or not well-formed JSON
     */
    static JsonNode readJson(HttpServletRequest request) throws IOException {
        if (request.getContentLengthLong() > MAX_BYTES) {
            throw BookmarkProblems.tooLarge();
        }
        // A chunked body declares no length: read one byte past the limit to tell if it is over.
        byte[] body = request.getInputStream().readNBytes(MAX_BYTES + 1);
        if (body.length > MAX_BYTES) {
            throw BookmarkProblems.tooLarge();
        }
        if (body.length == 0) {
            throw BookmarkProblems.invalid("body", "is missing: send a JSON object");
        }
        try (JsonParser parser = STRICT.createParser(body)) {
            JsonNode tree = STRICT.readTree(parser);
            if (parser.nextToken() != null) {
                throw BookmarkProblems.invalid("body", "has content after the JSON value");
            }
            return tree;
        } catch (JacksonException e) {
            throw BookmarkProblems.invalid(field(e), detail(e));
        }
    }

    /** The member the parser was in when it failed, as {@code tags[2]}, or {@code body}. */
    private static String field(JacksonException e) {
        if (!(e.processor() instanceof JsonParser parser)) {
            return "body";
        }
        Deque<String> segments = new ArrayDeque<>();
        for (TokenStreamContext context = parser.streamReadContext(); context != null && !context.inRoot();
                context = context.getParent()) {
            if (context.inArray()) {
                segments.push("[" + context.getCurrentIndex() + "]");
            } else if (context.currentName() != null) {
                segments.push("." + context.currentName());
            }
        }
        String path = String.join("", segments);
        if (path.startsWith(".")) {
            return path.substring(1);
        }
        return "body" + path;
    }

    private static String detail(JacksonException e) {
        String message = e.getOriginalMessage();
        if (message != null && message.startsWith("Duplicate")) {
            return "appears more than once";
        }
        TokenStreamLocation location = e.getLocation();
        return location == null || location == TokenStreamLocation.NA
                ? "is not well-formed JSON"
                : "is not well-formed JSON (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
    }
}
