package dev.bookmarks.bookmarkservice.bookmarks;

import static dev.bookmarks.bookmarkservice.bookmarks.ShardClient.json;

import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.IntStream;

/**
 * One request a shard must refuse, and how: the table of bad inputs the refusal contract runs.
 *
 * @param name what is wrong, as the test is named
 * @param method POST (a create) or PUT (a replace of an existing bookmark)
 * @param userId the user in the path, or null for a valid one of the test's own
 * @param contentType the Content-Type sent
 * @param body the body sent
 * @param headers extra headers, name and value pairs
 * @param status the status expected
 * @param field the field the problem must name, or null where Spring answers before the bookmark
 *     API sees the request (415)
 */
record BadInput(String name, String method, String userId, String contentType, Supplier<HttpRequest.BodyPublisher> body,
        List<String> headers, int status, String field) {

    private static final String URL = "https://example.com/";
    private static final String KEY = "Idempotency-Key";

    @Override
    public String toString() {
        return method + " " + name;
    }

    /** The table: at least one row for every rule of BookmarkInput, Tags, IdempotencyKey and RequestBodies. */
    static List<BadInput> all() {
        List<BadInput> all = new ArrayList<>();
        // The url rule.
        all.add(post("url missing", json("title", "t"), "url"));
        all.add(post("url null", json("url", null), "url"));
        all.add(post("url empty", json("url", "  "), "url"));
        all.add(post("url a number", json("url", 42), "url"));
        all.add(post("url javascript:", json("url", "javascript:alert(document.cookie)"), "url"));
        all.add(post("url JavaScript: in mixed case", json("url", "JavaScript:alert(1)"), "url"));
        all.add(post("url data:", json("url", "data:text/html,<script>alert(1)</script>"), "url"));
        all.add(post("url ftp:", json("url", "ftp://example.com/file"), "url"));
        all.add(post("url file:", json("url", "file:///etc/passwd"), "url"));
        all.add(post("url relative", json("url", "/just/a/path"), "url"));
        all.add(post("url without host", json("url", "http:///no-host"), "url"));
        all.add(post("url scheme only", json("url", "https://"), "url"));
        all.add(post("url with a space", json("url", "http://exa mple.com/"), "url"));
        all.add(post("url with a line feed", json("url", "http://example.com/\nx"), "url"));
        all.add(post("url of 2049 characters", json("url", URL + "a".repeat(2049 - URL.length())), "url"));
        // title and notes.
        all.add(post("title of 513 characters", json("url", URL, "title", "t".repeat(513)), "title"));
        all.add(post("title an array", json("url", URL, "title", List.of("t")), "title"));
        all.add(post("title with NUL", json("url", URL, "title", "a\u0000b"), "title"));
        all.add(post("title with a line feed", json("url", URL, "title", "a\nb"), "title"));
        all.add(post("title with an unpaired surrogate", "{\"url\":\"" + URL + "\",\"title\":\"a\\ud800b\"}", "title"));
        all.add(post("notes of 4097 characters", json("url", URL, "notes", "n".repeat(4097)), "notes"));
        all.add(post("notes an object", json("url", URL, "notes", Map.of("a", "b")), "notes"));
        all.add(post("notes with a bell character", json("url", URL, "notes", "ding\u0007"), "notes"));
        // tags.
        all.add(post("tags a string", json("url", URL, "tags", "java"), "tags"));
        all.add(post("33 distinct tags", json("url", URL, "tags", IntStream.range(0, 33).mapToObj(i -> "t" + i).toList()),
                "tags"));
        all.add(post("tag of 65 characters", json("url", URL, "tags", List.of("x".repeat(65))), "tags[0]"));
        all.add(post("tag blank", json("url", URL, "tags", List.of("ok", "   ")), "tags[1]"));
        all.add(post("tag with a comma", json("url", URL, "tags", List.of("a,b")), "tags[0]"));
        all.add(post("tag with a space inside", json("url", URL, "tags", List.of("two words")), "tags[0]"));
        all.add(post("tag with a slash", json("url", URL, "tags", List.of("a/b")), "tags[0]"));
        all.add(post("tag a number", json("url", URL, "tags", List.of(7)), "tags[0]"));
        all.add(post("tag null", "{\"url\":\"" + URL + "\",\"tags\":[null]}", "tags[0]"));
        // The body as JSON.
        all.add(post("unknown member", json("url", URL, "tag", "java"), "tag"));
        all.add(post("duplicate member", "{\"url\":\"" + URL + "\",\"url\":\"javascript:x\"}", "url"));
        all.add(post("malformed JSON in a member", "{\"url\" \"" + URL + "\"}", "url"));
        all.add(post("truncated JSON", "{\"url\":\"" + URL + "\",\"tags\":[\"a\"", "tags[0]"));
        all.add(post("content after the JSON value", json("url", URL) + " {}", "body"));
        all.add(post("a JSON array", "[]", "body"));
        all.add(post("a JSON string", "\"" + URL + "\"", "body"));
        all.add(post("empty body", "", "body"));
        all.add(new BadInput("body over 64 KiB", "POST", null, "application/json",
                () -> HttpRequest.BodyPublishers.ofString(json("url", URL, "notes", "n".repeat(70_000))),
                List.of(KEY, "k"), 413, "body"));
        all.add(new BadInput("body over 64 KiB, chunked without a length", "POST", null, "application/json",
                () -> HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(
                        json("url", URL, "notes", "n".repeat(70_000)).getBytes(StandardCharsets.UTF_8))),
                List.of(KEY, "k"), 413, "body"));
        all.add(new BadInput("Content-Type text/plain", "POST", null, "text/plain",
                () -> HttpRequest.BodyPublishers.ofString(json("url", URL)), List.of(KEY, "k"), 415, null));
        // Idempotency-Key.
        all.add(post("Idempotency-Key empty", json("url", URL), 400, "Idempotency-Key", KEY, ""));
        all.add(post("Idempotency-Key of 256 characters", json("url", URL), 400, "Idempotency-Key", KEY, "k".repeat(256)));
        all.add(post("Idempotency-Key quoted without its closing quote", json("url", URL), 400, "Idempotency-Key",
                KEY, "\"abc"));
        all.add(post("Idempotency-Key quoted with a bad escape", json("url", URL), 400, "Idempotency-Key", KEY, "\"a\\bc\""));
        all.add(post("Idempotency-Key bare with a comma, as two keys joined", json("url", URL), 400, "Idempotency-Key",
                KEY, "a,b"));
        all.add(post("Idempotency-Key sent twice", json("url", URL), 400, "Idempotency-Key", KEY, "a", KEY, "b"));
        // The user id.
        all.add(new BadInput("user id with a character outside the rule", "POST", "bad!user", "application/json",
                () -> HttpRequest.BodyPublishers.ofString(json("url", URL)), List.of(KEY, "k"), 400, "userId"));
        all.add(new BadInput("user id of 65 characters", "POST", "u".repeat(65), "application/json",
                () -> HttpRequest.BodyPublishers.ofString(json("url", URL)), List.of(KEY, "k"), 400, "userId"));
        // A replace refuses the same way and leaves the bookmark as it was.
        all.add(put("url javascript:", json("url", "javascript:alert(1)"), 400, "url"));
        all.add(put("unknown member", json("url", URL, "note", "typo"), 400, "note"));
        all.add(put("tags with 33 distinct", json("url", URL, "tags", IntStream.range(0, 33).mapToObj(i -> "t" + i).toList()),
                400, "tags"));
        all.add(put("malformed JSON", "{", 400, "body"));
        all.add(put("body over 64 KiB", json("url", URL, "notes", "n".repeat(70_000)), 413, "body"));
        return all;
    }

    /** A create with a valid Idempotency-Key, so the test also sees that no key is stored. */
    private static BadInput post(String name, String body, String field) {
        return post(name, body, 400, field, KEY, "key-of-" + name.replace(' ', '-'));
    }

    private static BadInput post(String name, String body, int status, String field, String... headers) {
        return new BadInput(name, "POST", null, "application/json", () -> HttpRequest.BodyPublishers.ofString(body),
                Arrays.asList(headers), status, field);
    }

    private static BadInput put(String name, String body, int status, String field) {
        return new BadInput(name, "PUT", null, "application/json", () -> HttpRequest.BodyPublishers.ofString(body),
                List.of(), status, field);
    }
}
