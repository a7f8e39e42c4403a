package dev.bookmarks.gateway;

import static dev.bookmarks.gateway.GatewayClient.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bookmarks.gateway.GatewayClient.Reply;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.TestPropertySource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

/** Request size limits: 413 for a body over 64 KiB, declared or chunked; 431 for a huge header section. */
@TestPropertySource(properties = {
        "bookmarks.registry.key-prefix=limits-it"})
@ActiveProfiles("local")
class LimitsIT extends GatewayIntegrationBase {

    private static final int LIMIT = 64 * 1024;

    @AutoClose
    static final StubShard shard = StubShard.start("s-1");

    private GatewayClient client;
    private String token;

    @BeforeEach
    void oneShardOwnsTheRing() {
        publishFirstRing(shard);
        client = new GatewayClient(port);
        token = client.post("/auth/dev-token", "{\"userId\":\"alice\"}").json().get("token").asString();
        shard.reset();
    }

    @Test
    void refusesADeclaredBodyOverTheLimitWith413BeforeReadingIt() {
        Reply reply = send(HttpClient.create().headers(h -> h.set(HttpHeaderNames.CONTENT_LENGTH, LIMIT + 1)),
                Mono.just(json(LIMIT + 1)));

        assertThat(reply.status()).as(reply.text()).isEqualTo(413);
        assertThat(reply.isProblem()).isTrue();
        assertThat(reply.json().get("status").asInt()).isEqualTo(413);
        assertThat(shard.received()).isEmpty();
    }

    @Test
    void refusesAChunkedBodyOverTheLimitWith413AndForwardsNothing() {
        Reply reply = send(HttpClient.create(), chunks(json(LIMIT + 1)));

        assertThat(reply.status()).as(reply.text()).isEqualTo(413);
        assertThat(reply.isProblem()).isTrue();
        assertThat(shard.received()).isEmpty();
    }

    @Test
    void forwardsABodyOfExactlyTheLimitDeclaredOrChunked() {
        Reply declared = send(HttpClient.create().headers(h -> h.set(HttpHeaderNames.CONTENT_LENGTH, LIMIT)),
                Mono.just(json(LIMIT)));
        Reply chunked = send(HttpClient.create(), chunks(json(LIMIT)));

        assertThat(declared.status()).as(declared.text()).isEqualTo(200);
        assertThat(chunked.status()).as(chunked.text()).isEqualTo(200);
        assertThat(shard.received()).hasSize(2).allSatisfy(r -> assertThat(r.body()).hasSize(LIMIT));
    }

    @Test
    void answersAHeaderSectionOverTheLimitWith431() {
        Reply reply = client.get("/api/users/alice/bookmarks", concat(bearer(token), "X-Padding", "p".repeat(20_000)));

        // Reactor Netty answers by itself, before any filter: an empty 431 (not problem+json), then it
        // closes the connection.
        assertThat(reply.status()).isEqualTo(431);
        assertThat(reply.header("Connection")).isEqualTo("close");
        assertThat(shard.received()).isEmpty();
        assertThat(client.get("/api/users/alice/bookmarks", bearer(token)).status()).isEqualTo(200);
    }

    private Reply send(HttpClient http, org.reactivestreams.Publisher<ByteBuf> body) {
        return http.baseUrl("http://127.0.0.1:" + port)
                .headers(h -> h.set("Authorization", "Bearer " + token).set("Content-Type", "application/json"))
                .post().uri("/api/users/alice/bookmarks")
                .send(body)
                .responseSingle((response, content) -> content.asString().defaultIfEmpty("").map(text -> {
                    java.util.Map<String, List<String>> headers = new java.util.LinkedHashMap<>();
                    response.responseHeaders().forEach(e -> headers.computeIfAbsent(
                            e.getKey().toLowerCase(java.util.Locale.ROOT), k -> new java.util.ArrayList<>()).add(e.getValue()));
                    return new Reply(response.status().code(), headers, text);
                }))
                .block(Duration.ofSeconds(30));
    }

    /** A JSON string of exactly {@code size} bytes. */
    private static ByteBuf json(int size) {
        char[] text = new char[size];
        Arrays.fill(text, 'x');
        text[0] = '"';
        text[size - 1] = '"';
        return Unpooled.wrappedBuffer(new String(text).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    /** The bytes in 8 KiB chunks, with no Content-Length: the client sends them chunked. */
    private static Flux<ByteBuf> chunks(ByteBuf all) {
        return Flux.range(0, (all.readableBytes() + 8191) / 8192)
                .map(i -> all.retainedSlice(i * 8192, Math.min(8192, all.readableBytes() - i * 8192)))
                .doFinally(s -> all.release());
    }

    private static String[] concat(String[] first, String... second) {
        String[] all = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, all, first.length, second.length);
        return all;
    }
}
