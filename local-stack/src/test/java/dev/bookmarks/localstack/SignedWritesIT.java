package dev.bookmarks.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes through a real gateway to a real shard (one of each, with Redis and the registry, as processes on
 * free loopback ports): the shard accepts what the gateway signs, body and Idempotency-Key included, on
 * every request, a client's retry with the same key as well as a large body the gateway received in
 * several pieces.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class SignedWritesIT {

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String USER = "alice";

    @TempDir
    static Path data;

    static LocalStack stack;
    static HttpClient gateway;
    static String token;

    @BeforeAll
    static void start() throws Exception {
        stack = LocalStack.start(Options.freePorts(Options.findRepoRoot(Path.of("")), data, 1, 1));
        gateway = stack.gatewayClient().build();
        HttpResponse<String> issued = send(post("/auth/dev-token", "{\"userId\":\"" + USER + "\"}"));
        assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
        token = JSON.readTree(issued.body()).get("token").asString();
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void aPostWithAnIdempotencyKeyIsWrittenOnceAndItsRetryIsAnsweredFromTheStore() throws Exception {
        String body = bookmark("https://example.com/keyed", "n");

        HttpResponse<String> first = send(authorized(post(bookmarks(), body)).header("Idempotency-Key", "k-1"));
        HttpResponse<String> retry = send(authorized(post(bookmarks(), body)).header("Idempotency-Key", "k-1"));
        HttpResponse<String> otherBody = send(authorized(post(bookmarks(), bookmark("https://example.com/other", "n")))
                .header("Idempotency-Key", "k-1"));

        assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
        assertThat(retry.statusCode()).as(retry.body()).isEqualTo(201);
        assertThat(retry.headers().firstValue("Idempotent-Replayed")).contains("true");
        assertThat(retry.body()).isEqualTo(first.body());
        assertThat(otherBody.statusCode()).as(otherBody.body()).isEqualTo(422);
        assertThat(urlsOf("https://example.com/keyed")).isEqualTo(1);
    }

    @Test
    void aPostWithoutAKeyAndALargeBodyIsAccepted() throws Exception {
        String url = "https://example.com/" + "l".repeat(2000);
        String body = bookmark(url, "n".repeat(4096));

        HttpResponse<String> created = send(authorized(post(bookmarks(), body)));

        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(urlsOf(url)).isEqualTo(1);
    }

    /** How many of the user's bookmarks have {@code url}, read through the gateway. */
    private static int urlsOf(String url) throws Exception {
        HttpResponse<String> list = send(authorized(HttpRequest.newBuilder(URI.create(stack.gatewayUrl(0) + bookmarks()
                + "?limit=50")).timeout(REQUEST_TIMEOUT)));
        assertThat(list.statusCode()).as(list.body()).isEqualTo(200);
        int count = 0;
        for (var item : JSON.readTree(list.body()).get("items")) {
            if (item.get("url").asString().equals(url)) {
                count++;
            }
        }
        return count;
    }

    private static String bookmarks() {
        return "/api/users/" + USER + "/bookmarks";
    }

    private static String bookmark(String url, String notes) {
        return "{\"url\":\"" + url + "\",\"title\":\"" + "t".repeat(512) + "\",\"tags\":[\"a\"],\"notes\":\"" + notes
                + "\"}";
    }

    private static HttpRequest.Builder post(String path, String json) {
        return HttpRequest.newBuilder(URI.create(stack.gatewayUrl(0) + path)).timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
    }

    private static HttpRequest.Builder authorized(HttpRequest.Builder request) {
        return request.header("Authorization", "Bearer " + token);
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return gateway.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
