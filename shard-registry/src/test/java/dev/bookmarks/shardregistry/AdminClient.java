package dev.bookmarks.shardregistry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** A plain HTTP client for the registry's management port, as an operator's script would be. */
final class AdminClient {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String base;
    private final String authorization;

    private AdminClient(String base, String authorization) {
        this.base = base;
        this.authorization = authorization;
    }

    static AdminClient anonymous(int port) {
        return new AdminClient("http://127.0.0.1:" + port, null);
    }

    static AdminClient as(int port, String user, String password) {
        return new AdminClient("http://127.0.0.1:" + port, "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
    }

    Reply get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    Reply post(String path, String json) {
        return send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    Reply delete(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).DELETE());
    }

    /**
     * Applies a change as an operator must while online migration does not exist: sends it as it is,
     * and when the 409 says the change moves slots, sends it again agreeing to discard the bookmarks of
     * exactly the movedSlots that answer counted, on the epoch it counted them on (unless the change
     * already names an expectedEpoch). Returns the last reply: a change that moves no slot, or is
     * refused for another reason, is sent once.
     */
    Reply postDiscardingMovedData(String path, String json) {
        Reply plan = post(path, json);
        if (!movesSlots(plan)) {
            return plan;
        }
        ObjectNode confirmed = (ObjectNode) JSON.readTree(json);
        confirmed.put("discardMovedData", true);
        confirmed.put("confirmMovedSlots", plan.json().get("movedSlots").asInt());
        if (!confirmed.has("expectedEpoch")) {
            confirmed.put("expectedEpoch", plan.json().get("epoch").asLong());
        }
        return post(path, JSON.writeValueAsString(confirmed));
    }

    /** As {@link #postDiscardingMovedData}, for DELETE: the agreement goes in query parameters. */
    Reply deleteDiscardingMovedData(String path) {
        Reply plan = delete(path);
        if (!movesSlots(plan)) {
            return plan;
        }
        String confirmed = path + (path.contains("?") ? "&" : "?") + "discardMovedData=true&confirmMovedSlots="
                + plan.json().get("movedSlots").asInt();
        if (!path.contains("expectedEpoch=")) {
            confirmed += "&expectedEpoch=" + plan.json().get("epoch").asLong();
        }
        return delete(confirmed);
    }

    /** A 409 that refuses a change for the slots it moves (it carries movedSlots), not for a stale epoch. */
    static boolean movesSlots(Reply reply) {
        return reply.status() == 409 && reply.isProblem() && reply.json().has("movedSlots");
    }

    /** Any method, no body, with extra headers as name, value pairs. */
    Reply send(String method, String path, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (headers.length > 0) {
            request.headers(headers);
        }
        return send(request);
    }

    long epoch() {
        Reply ring = get("/actuator/ring");
        if (ring.status() != 200) {
            throw new IllegalStateException("GET /actuator/ring answered " + ring.status() + ": " + ring.text());
        }
        return ring.json().get("epoch").asLong();
    }

    private Reply send(HttpRequest.Builder request) {
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        try {
            HttpResponse<String> response = HTTP.send(request.timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
                    response.headers().firstValue("WWW-Authenticate").orElse(""), response.body(),
                    response.headers().firstValue("Retry-After").orElse(""), response.headers());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    record Reply(int status, String contentType, String wwwAuthenticate, String text, String retryAfter,
            HttpHeaders headers) {

        /** The header's first value, or "" when it is absent. */
        String header(String name) {
            return headers.firstValue(name).orElse("");
        }

        JsonNode json() {
            return JSON.readTree(text);
        }

        /** A problem's title, or "" when the body has none. */
        String title() {
            return json().path("title").asString("");
        }

        boolean isProblem() {
            return contentType.startsWith("application/problem+json");
        }
    }
}
