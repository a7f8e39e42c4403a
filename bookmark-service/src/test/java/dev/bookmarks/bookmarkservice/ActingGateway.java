package dev.bookmarks.bookmarkservice;

import dev.bookmarks.protocol.BodyDigest;
import dev.bookmarks.protocol.InternalSecret;
import dev.bookmarks.protocol.RequestSigner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Calls a shard as a gateway would: every request signed for a user, for that shard, at a ring epoch. (The
 * gateway module's tests have a {@code GatewayClient} of their own, a client of a real gateway.)
 */
public final class ActingGateway {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String base;
    private final RequestSigner signer;
    private final String shardId;
    private final long epoch;

    public ActingGateway(int port, String secret, String shardId, long epoch) {
        this(port, secret, shardId, epoch, Clock.systemUTC());
    }

    public ActingGateway(int port, String secret, String shardId, long epoch, Clock clock) {
        this.base = "http://127.0.0.1:" + port;
        this.signer = new RequestSigner(InternalSecret.parse(secret), clock);
        this.shardId = shardId;
        this.epoch = epoch;
    }

    /**
     * Sends {@code method path} with {@code json} (or no body) and {@code extraHeaders}, signed as {@code userId}
     * (the signature covers the body and an {@code Idempotency-Key} among the extra headers).
     */
    public HttpResponse<String> send(String method, String pathAndQuery, String userId, String json,
            Map<String, String> extraHeaders) {
        URI uri = URI.create(base + pathAndQuery);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        List<String> keys = extraHeaders.entrySet().stream()
                .filter(header -> header.getKey().equalsIgnoreCase("Idempotency-Key")).map(Map.Entry::getValue).toList();
        BodyDigest body = json == null ? BodyDigest.EMPTY : BodyDigest.of(json.getBytes(StandardCharsets.UTF_8));
        signer.sign(method, uri.getRawPath(), uri.getRawQuery(), keys, body, userId, shardId, epoch).forEach(request::header);
        extraHeaders.forEach(request::header);
        return send(request.build());
    }

    public HttpResponse<String> send(String method, String pathAndQuery, String userId, String json) {
        return send(method, pathAndQuery, userId, json, Map.of());
    }

    /** Sends a request exactly as built, without a signature unless the caller added one. */
    public static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
