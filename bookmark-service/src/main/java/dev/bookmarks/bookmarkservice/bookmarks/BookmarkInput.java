package dev.bookmarks.bookmarkservice.bookmarks;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import tools.jackson.databind.JsonNode;

/**
 * What a client may set on a bookmark, validated and normalised: the body of a create (POST) or
 * a replace (PUT). Two bodies that normalise to the same input are the same request, which is what
 * an Idempotency-Key retry is compared by ({@link #fingerprint}).
 *
 * <p>The rules (docs/architecture.md, "Limits"); lengths count Unicode code points:
 * <ul>
 *   <li>{@code url}: required; surrounding white space is stripped; at most {@value #MAX_URL}
 *       characters; an absolute {@code http} or {@code https} URI with a host and no user information.
 *       Every other scheme ({@code javascript:}, {@code data:}, {@code file:}, ...) is refused, so a
 *       stored link can't run script or read local files when a client renders it; user information
 *       is refused because it disguises the host ({@code https://bank.example@evil.example} goes to
 *       {@code evil.example}).
 *   <li>{@code title}: optional (absent or null is ""); surrounding white space is stripped; at most
 *       {@value #MAX_TITLE} characters, no control characters (it is one line).
 *   <li>{@code notes}: optional (absent or null is ""); kept as sent; at most {@value #MAX_NOTES}
 *       characters; tab, line feed and carriage return are the only control characters allowed.
 *   <li>{@code tags}: optional (absent or null is none); an array of strings, each normalised by
 *       {@link Tags}; duplicates after normalisation collapse; at most {@value Tags#MAX_TAGS}
 *       distinct tags; kept and returned sorted.
 * </ul>
 * No string may hold an unpaired UTF-16 surrogate: it is not a character, and PostgreSQL would
 * refuse to store it. No string may hold a bidirectional embedding, override or isolate control
 * (U+202A-U+202E, U+2066-U+2069): they make text display in another order than it is stored
 * ("Trojan Source"), so a title or tag could show one thing and be another.
 *
 * <p>Unknown members are refused (400 naming the member), so that a misspelt member ("tag",
 * "note") is not silently dropped, which for a PUT would erase data. The members a bookmark
 * has in responses but a client cannot set ({@code id}, {@code createdAt}, {@code updatedAt}) are
 * accepted and ignored, so that a client can PUT back a bookmark it read after changing it.
 *
 * @param url the URL, stripped
 * @param title the title, stripped, possibly empty
 * @param tags the distinct normalised tags, sorted
 * @param notes the notes, possibly empty
 */
record BookmarkInput(String url, String title, List<String> tags, String notes) {

    /** The longest URL, in Unicode code points. */
    static final int MAX_URL = 2048;

    /** The longest title, in Unicode code points. */
    static final int MAX_TITLE = 512;

    /** The longest notes, in Unicode code points. */
    static final int MAX_NOTES = 4096;

    private static final Set<String> SETTABLE = Set.of("url", "title", "tags", "notes");
    private static final Set<String> READ_ONLY = Set.of("id", "createdAt", "updatedAt");

    BookmarkInput {
        tags = List.copyOf(tags);
    }

    /**
     * Validates and normalises a parsed request body.
     *
     * @throws org.springframework.web.ErrorResponseException a 400 listing every rule the body
     *     breaks (not only the first), each with the member it concerns
     */
    static BookmarkInput from(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw BookmarkProblems.invalid("body", "must be a JSON object with url, title, tags and notes");
        }
        List<FieldError> errors = new ArrayList<>();
        for (Map.Entry<String, JsonNode> member : body.properties()) {
            String name = member.getKey();
            if (!SETTABLE.contains(name) && !READ_ONLY.contains(name)) {
                errors.add(new FieldError(name, "unknown member; a bookmark has url, title, tags and notes"));
            }
        }
        String url = url(body.get("url"), errors);
        String title = text(body.get("title"), "title", MAX_TITLE, false, errors);
        String notes = text(body.get("notes"), "notes", MAX_NOTES, true, errors);
        List<String> tags = tags(body.get("tags"), errors);
        if (!errors.isEmpty()) {
            throw BookmarkProblems.invalid(errors);
        }
        return new BookmarkInput(url, title, tags, notes);
    }

    /**
     * The request's identity for Idempotency-Key comparisons: the hex SHA-256 of the method, the
     * path and this normalised input. Each part is length-prefixed, so no two different requests
     * share an encoding.
     */
    String fingerprint(String method, String path) {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
        List<String> parts = new ArrayList<>(List.of(method, path, url, title, notes));
        parts.addAll(tags);
        for (String part : parts) {
            byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
            sha256.update(new byte[] {(byte) (bytes.length >>> 24), (byte) (bytes.length >>> 16),
                    (byte) (bytes.length >>> 8), (byte) bytes.length});
            sha256.update(bytes);
        }
        return HexFormat.of().formatHex(sha256.digest());
    }

    private static String url(JsonNode node, List<FieldError> errors) {
        if (node == null || node.isNull()) {
            errors.add(new FieldError("url", "is required"));
            return "";
        }
        if (!node.isString()) {
            errors.add(new FieldError("url", "must be a string"));
            return "";
        }
        String url = node.stringValue().strip();
        String problem = urlProblem(url);
        if (problem != null) {
            errors.add(new FieldError("url", problem));
        }
        return url;
    }

    private static String urlProblem(String url) {
        if (url.isEmpty()) {
            return "must not be empty";
        }
        int length = url.codePointCount(0, url.length());
        if (length > MAX_URL) {
            return "must have at most " + MAX_URL + " characters, has " + length;
        }
        String textProblem = textProblem(url, false);
        if (textProblem != null) {
            return textProblem;
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            return "is not a valid URI at index " + e.getIndex() + ": " + e.getReason();
        }
        String scheme = uri.getScheme();
        if (scheme == null) {
            return "must be absolute, starting with http:// or https://";
        }
        String lower = scheme.toLowerCase(Locale.ROOT);
        if (!lower.equals("http") && !lower.equals("https")) {
            return "must be an http or https URL";
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            return "must have a host name or address";
        }
        if (uri.getRawUserInfo() != null) {
            return "must not contain user information (user@host): it disguises the host";
        }
        return null;
    }

    private static String text(JsonNode node, String field, int maxLength, boolean multiline,
            List<FieldError> errors) {
        if (node == null || node.isNull()) {
            return "";
        }
        if (!node.isString()) {
            errors.add(new FieldError(field, "must be a string"));
            return "";
        }
        // A title is one line, so white space around it is noise; notes are kept as the user wrote them.
        String text = multiline ? node.stringValue() : node.stringValue().strip();
        int length = text.codePointCount(0, text.length());
        if (length > maxLength) {
            errors.add(new FieldError(field, "must have at most " + maxLength + " characters, has " + length));
        } else {
            String problem = textProblem(text, multiline);
            if (problem != null) {
                errors.add(new FieldError(field, problem));
            }
        }
        return text;
    }

    private static List<String> tags(JsonNode node, List<FieldError> errors) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            errors.add(new FieldError("tags", "must be an array of strings"));
            return List.of();
        }
        TreeSet<String> tags = new TreeSet<>();
        int index = 0;
        for (JsonNode element : node) {
            String field = "tags[" + index++ + "]";
            if (!element.isString()) {
                errors.add(new FieldError(field, "must be a string"));
                continue;
            }
            String problem = textProblem(element.stringValue(), false);
            if (problem != null) {
                errors.add(new FieldError(field, problem));
                continue;
            }
            try {
                tags.add(Tags.normalize(element.stringValue()));
            } catch (IllegalArgumentException e) {
                errors.add(new FieldError(field, e.getMessage()));
            }
        }
        if (tags.size() > Tags.MAX_TAGS) {
            errors.add(new FieldError("tags", "must have at most " + Tags.MAX_TAGS + " distinct tags, has "
                    + tags.size()));
        }
        return List.copyOf(tags);
    }

    /**
     * Returns why {@code text} can't be stored, or null: an unpaired surrogate, a control character
     * (other than tab, line feed and carriage return where {@code multiline}), or a bidirectional
     * embedding, override or isolate control.
     */
    static String textProblem(String text, boolean multiline) {
        for (int i = 0, position = 1; i < text.length(); position++) {
            int c = text.codePointAt(i);
            if (Character.getType(c) == Character.SURROGATE) {
                return "character " + position + " is an unpaired UTF-16 surrogate";
            }
            if (Character.isISOControl(c) && !(multiline && (c == '\t' || c == '\n' || c == '\r'))) {
                return String.format("character %d is the control character U+%04X", position, c);
            }
            if ((c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069)) {
                return String.format("character %d is the bidirectional control U+%04X", position, c);
            }
            i += Character.charCount(c);
        }
        return null;
    }
}
