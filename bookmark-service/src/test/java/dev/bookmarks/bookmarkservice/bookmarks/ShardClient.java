package dev.bookmarks.bookmarkservice.bookmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A plain HTTP client for the bookmark API of one shard, as a gateway would call it. */
final class ShardClient {

    static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final int port;

    ShardClient(int port) {
        this.port = port;
    }

    /** An answer: status, headers and body text. */
    record Reply(int status, HttpHeaders headers, String body) {

        JsonNode json() {
            return JSON.readTree(body);
        }

        String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        /** The {@code field} of each entry of a problem's {@code errors}, comma-separated. */
        String errorFields() {
            JsonNode errors = json().path("errors");
            StringBuilder fields = new StringBuilder();
            for (JsonNode error : errors) {
                fields.append(fields.isEmpty() ? "" : ",").append(error.path("field").asString());
            }
            return fields.toString();
        }

        @Override
        public String toString() {
            return status + " " + headers.map() + " " + body;
        }
    }

    Reply create(String userId, String json, String... headers) {
        return send("POST", bookmarksPath(userId), "application/json", json, headers);
    }

    Reply get(String userId, String id) {
        return send("GET", bookmarksPath(userId) + "/" + id, null, null);
    }

    Reply replace(String userId, String id, String json) {
        return send("PUT", bookmarksPath(userId) + "/" + id, "application/json", json);
    }

    Reply delete(String userId, String id) {
        return send("DELETE", bookmarksPath(userId) + "/" + id, null, null);
    }

    /** The list with these query parameters (null values left out), URL-encoded. */
    Reply list(String userId, Map<String, String> query) {
        String encoded = query.entrySet().stream().filter(e -> e.getValue() != null)
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return send("GET", bookmarksPath(userId) + (encoded.isEmpty() ? "" : "?" + encoded), null, null);
    }

    Reply list(String userId) {
        return list(userId, Map.of());
    }

    Reply tags(String userId) {
        return send("GET", "/api/users/" + userId + "/tags", null, null);
    }

    /** Any request; {@code headers} are name, value pairs. */
    Reply send(String method, String path, String contentType, String body, String... headers) {
        return sendPublisher(method, path, contentType,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body), headers);
    }

    Reply sendPublisher(String method, String path, String contentType, HttpRequest.BodyPublisher body,
            String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30)).method(method, body);
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.headers(), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A JSON object from name, value pairs, values as Jackson writes them. */
    static String json(Object... members) {
        Map<String, Object> object = new LinkedHashMap<>();
        for (int i = 0; i < members.length; i += 2) {
            object.put((String) members[i], members[i + 1]);
        }
        return JSON.writeValueAsString(object);
    }

    static String bookmarksPath(String userId) {
        return "/api/users/" + userId + "/bookmarks";
    }
}
