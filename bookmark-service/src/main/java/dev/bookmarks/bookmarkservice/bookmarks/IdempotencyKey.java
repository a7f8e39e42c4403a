package dev.bookmarks.bookmarkservice.bookmarks;

import dev.bookmarks.protocol.ApiHeaders;
import java.util.List;
import java.util.Optional;

/**
 * The value of an {@code Idempotency-Key} request header (IETF httpapi-idempotency-key-header).
 *
 * <p>The draft makes the header a Structured Field string, sent quoted ({@code "8e03978e"}); many
 * clients send the bare value ({@code 8e03978e}). Both are accepted and mean the same key: the
 * quotes are removed and {@code \"} and {@code \\} unescaped. The key itself must have 1 to
 * {@value #MAX_LENGTH} printable ASCII characters (U+0020 to U+007E); sent bare, it may not hold
 * a space, quote, backslash or comma. A key is scoped to its user:
 * two users may use the same key for unrelated requests.
 *
 * @param value the key, unquoted
 */
record IdempotencyKey(String value) {

    /** The header's name. */
    static final String HEADER = ApiHeaders.IDEMPOTENCY_KEY;

    /** The longest key, in characters. */
    static final int MAX_LENGTH = 255;

    IdempotencyKey {
        String problem = problem(value);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
    }

    /**
     * The key in the request's {@code Idempotency-Key} header values, if it has one.
     *
     * @throws org.springframework.web.ErrorResponseException 400 naming the header when it is sent
     *     more than once or its value breaks the rule
     */
    static Optional<IdempotencyKey> fromHeader(List<String> values) {
        if (values == null || values.isEmpty()) {
            return Optional.empty();
        }
        if (values.size() > 1) {
            throw BookmarkProblems.invalid(HEADER, "must be sent at most once");
        }
        String raw = values.get(0);
        String problem;
        String key;
        if (raw.startsWith("\"")) {
            key = raw.length() >= 2 && raw.endsWith("\"") ? unquote(raw) : null;
            problem = key == null ? "is a quoted string without its closing quote, or with a bad escape" : problem(key);
        } else {
            key = raw;
            problem = bareProblem(raw);
        }
        if (problem != null) {
            throw BookmarkProblems.invalid(HEADER, problem);
        }
        return Optional.of(new IdempotencyKey(key));
    }

    /**
     * A bare key is what a client would otherwise have quoted: visible ASCII without quote,
     * backslash or comma. A comma is refused because a key sent in two header lines may reach us
     * joined by one, which must not read as one key.
     */
    private static String bareProblem(String raw) {
        String problem = problem(raw);
        if (problem != null) {
            return problem;
        }
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == ' ' || c == '"' || c == '\\' || c == ',') {
                return String.format("character %d (U+%04X) needs the quoted form (\"...\")", i + 1, (int) c);
            }
        }
        return null;
    }

    /** RFC 8941 sf-string body: only {@code \"} and {@code \\} are escapes; a bare quote is an error. */
    private static String unquote(String quoted) {
        StringBuilder key = new StringBuilder(quoted.length());
        for (int i = 1; i < quoted.length() - 1; i++) {
            char c = quoted.charAt(i);
            if (c == '\\') {
                if (i + 1 >= quoted.length() - 1) {
                    return null;
                }
                char next = quoted.charAt(++i);
                if (next != '"' && next != '\\') {
                    return null;
                }
                key.append(next);
            } else if (c == '"') {
                return null;
            } else {
                key.append(c);
            }
        }
        return key.toString();
    }

    private static String problem(String key) {
        if (key == null || key.isEmpty()) {
            return "must not be empty";
        }
        if (key.length() > MAX_LENGTH) {
            return "must have at most " + MAX_LENGTH + " characters, has " + key.length();
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c < 0x20 || c > 0x7E) {
                return String.format("character %d (U+%04X) is not printable ASCII", i + 1, (int) c);
            }
        }
        return null;
    }
}
