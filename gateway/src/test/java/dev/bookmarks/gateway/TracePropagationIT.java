package dev.bookmarks.gateway;

import static dev.bookmarks.gateway.GatewayClient.bearer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bookmarks.gateway.GatewayClient.Reply;
import dev.bookmarks.gateway.StubShard.Received;
import dev.bookmarks.protocol.BodyDigest;
import dev.bookmarks.protocol.InternalSecret;
import dev.bookmarks.protocol.RequestVerifier;
import dev.bookmarks.protocol.RequestVerifier.Verdict;
import dev.bookmarks.ring.Ring;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One gateway (local profile, every trace sampled, logs as ECS JSON) in front of a stub shard, its spans kept in
 * memory: the trace a client starts (W3C {@code traceparent}) runs through the gateway's server span and its client
 * span to the shard, which receives the client span as its parent beside a signature that still verifies. The
 * shard's side, that a shard continues the trace it is sent, is bookmark-service's {@code TracePropagationIT}.
 */
@TestPropertySource(properties = {
        "management.tracing.sampling.probability=1.0",
        "management.opentelemetry.tracing.export.schedule-delay=50ms",
        "logging.structured.format.console=ecs",
        "spring.cloud.gateway.server.webflux.httpclient.connect-timeout=500"})
@ActiveProfiles("local")
@ExtendWith(OutputCaptureExtension.class)
class TracePropagationIT extends GatewayIntegrationBase {

    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String CLIENT_SPAN_ID = "00f067aa0ba902b7";
    private static final String CLIENT_TRACEPARENT = "00-" + TRACE_ID + "-" + CLIENT_SPAN_ID + "-01";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @AutoClose
    static final StubShard shard = StubShard.start("s-t");

    @Autowired
    InMemorySpanExporter spans;

    private final RequestVerifier verifier = new RequestVerifier(List.of(InternalSecret.parse(LOCAL_SECRET)), "s-t",
            Duration.ofSeconds(30), Clock.systemUTC());
    private GatewayClient client;
    private Ring ring;

    @TestConfiguration(proxyBeanMethods = false)
    static class Spans {

        /** Boot's OpenTelemetry auto-configuration exports to every {@code SpanExporter} bean. */
        @Bean
        InMemorySpanExporter inMemorySpanExporter() {
            return InMemorySpanExporter.create();
        }
    }

    @BeforeEach
    void theShardOwnsTheRing() {
        client = new GatewayClient(port);
        ring = publishRing(shard);
        shard.reset();
        spans.reset();
    }

    @Test
    void oneTraceIdRunsFromTheClientThroughTheGatewayToTheShard() {
        String user = TestRings.usersOf(ring, "s-t", 1).get(0);

        Reply reply = client.get("/api/users/" + user + "/bookmarks",
                GatewayClient.concat(bearer(client.devToken(user)), "traceparent", CLIENT_TRACEPARENT));

        assertThat(reply.status()).as(reply.text()).isEqualTo(200);
        Received received = shard.received().get(0);
        assertThat(received.headers("traceparent")).hasSize(1);
        Traceparent sent = Traceparent.parse(received.header("traceparent"));
        assertThat(sent.traceId()).isEqualTo(TRACE_ID);
        assertThat(sent.parentId()).as("the client's span is the gateway's parent, not the shard's")
                .isNotEqualTo(CLIENT_SPAN_ID);
        assertThat(sent.flags()).isEqualTo("01");

        SpanData server = awaitSpan(TRACE_ID, SpanKind.SERVER);
        SpanData call = awaitSpan(TRACE_ID, SpanKind.CLIENT);
        assertThat(server.getParentSpanId()).isEqualTo(CLIENT_SPAN_ID);
        assertThat(call.getParentSpanId()).isEqualTo(server.getSpanId());
        assertThat(sent.parentId()).as("the shard's parent span is the gateway's call to it").isEqualTo(call.getSpanId());
        assertThat(verify(received)).as("traceparent is not covered by the signature")
                .isEqualTo(new Verdict.Verified(user, ring.epoch()));
    }

    @Test
    void aRequestWithoutTraceparentStartsATraceThatStillReachesTheShard() {
        String user = TestRings.usersOf(ring, "s-t", 1).get(0);

        Reply reply = client.post("/api/users/" + user + "/bookmarks", "{\"url\":\"https://example.com\"}",
                GatewayClient.concat(bearer(client.devToken(user)), "Content-Type", "application/json"));

        assertThat(reply.status()).as(reply.text()).isEqualTo(200);
        Received received = shard.received().get(0);
        Traceparent sent = Traceparent.parse(received.header("traceparent"));
        SpanData server = awaitSpan(sent.traceId(), SpanKind.SERVER);
        SpanData call = awaitSpan(sent.traceId(), SpanKind.CLIENT);
        assertThat(server.getParentSpanContext().isValid()).as("the gateway's server span is the trace's root").isFalse();
        assertThat(call.getParentSpanId()).isEqualTo(server.getSpanId());
        assertThat(sent.parentId()).isEqualTo(call.getSpanId());
        assertThat(verify(received)).isEqualTo(new Verdict.Verified(user, ring.epoch()));
    }

    @Test
    void theClientsTracestateAndBaggageTravelWithItsTraceOnceAsW3CTraceContextSays() {
        String user = TestRings.usersOf(ring, "s-t", 1).get(0);

        Reply reply = client.get("/api/users/" + user + "/bookmarks",
                GatewayClient.concat(bearer(client.devToken(user)), "traceparent", CLIENT_TRACEPARENT,
                        "tracestate", "vendor=opaque", "baggage", "tenant=a"));

        assertThat(reply.status()).as(reply.text()).isEqualTo(200);
        Received received = shard.received().get(0);
        assertThat(received.headers("traceparent")).hasSize(1);
        assertThat(Traceparent.parse(received.header("traceparent")).traceId()).isEqualTo(TRACE_ID);
        // Written by the gateway's propagator, in place of the client's copies: one line each, never two.
        assertThat(received.headers("tracestate")).containsExactly("vendor=opaque");
        assertThat(received.headers("baggage")).containsExactly("tenant=a");
    }

    @Test
    void eachAttemptIsASpanOfItsOwnAndAFailedOneEndsToo() {
        StubShard gone = StubShard.start("s-gone");
        gone.close();
        Ring deadRing = publishRing(gone);
        String user = TestRings.usersOf(deadRing, "s-gone", 1).get(0);

        Reply reply = client.get("/api/users/" + user + "/bookmarks",
                GatewayClient.concat(bearer(client.devToken(user)), "traceparent", CLIENT_TRACEPARENT));

        assertThat(reply.status()).as(reply.text()).isEqualTo(503);
        SpanData server = awaitSpan(TRACE_ID, SpanKind.SERVER);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(spansOf(TRACE_ID, SpanKind.CLIENT))
                .as("one client span per attempt, every one of them ended").hasSizeGreaterThan(1));
        assertThat(spansOf(TRACE_ID, SpanKind.CLIENT)).extracting(SpanData::getParentSpanId)
                .containsOnly(server.getSpanId());
    }

    @Test
    void aLogLineOfATracedRequestCarriesItsTraceIdInEcsJson(CapturedOutput output) {
        StubShard gone = StubShard.start("s-gone");
        gone.close();
        Ring deadRing = publishRing(gone);
        String user = TestRings.usersOf(deadRing, "s-gone", 1).get(0);

        Reply reply = client.get("/api/users/" + user + "/bookmarks",
                GatewayClient.concat(bearer(client.devToken(user)), "traceparent", CLIENT_TRACEPARENT));

        assertThat(reply.status()).as(reply.text()).isEqualTo(503);
        JsonNode line = await().atMost(Duration.ofSeconds(10)).until(() -> output.getOut().lines()
                .filter(text -> text.startsWith("{") && text.contains("Cannot connect to"))
                .map(JSON::readTree).findFirst().orElse(null), found -> found != null);
        assertThat(line.path("log").path("level").asString(line.path("log.level").asString())).isEqualTo("WARN");
        assertThat(traceId(line)).isEqualTo(TRACE_ID);
        assertThat(spanId(line)).matches("[0-9a-f]{16}").isNotEqualTo(CLIENT_SPAN_ID);
    }

    private SpanData awaitSpan(String traceId, SpanKind kind) {
        return await().atMost(Duration.ofSeconds(10)).until(() -> spansOf(traceId, kind), found -> found.size() == 1)
                .get(0);
    }

    private List<SpanData> spansOf(String traceId, SpanKind kind) {
        return spans.getFinishedSpanItems().stream()
                .filter(span -> span.getTraceId().equals(traceId) && span.getKind() == kind).toList();
    }

    private Verdict verify(Received received) {
        return verifier.verify(received.method(), received.rawPath(), received.rawQuery(),
                received.headers("Idempotency-Key"), BodyDigest.of(received.body().getBytes(StandardCharsets.UTF_8)),
                received::header);
    }

    /** ECS's {@code trace.id}, whether written dotted or nested. */
    static String traceId(JsonNode line) {
        return line.has("trace.id") ? line.get("trace.id").asString() : line.path("trace").path("id").asString();
    }

    static String spanId(JsonNode line) {
        return line.has("span.id") ? line.get("span.id").asString() : line.path("span").path("id").asString();
    }

    /** A W3C {@code traceparent}: version, trace ID, parent (span) ID, flags. */
    record Traceparent(String traceId, String parentId, String flags) {

        static Traceparent parse(String header) {
            assertThat(header).as("traceparent").matches("00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");
            String[] parts = header.split("-");
            return new Traceparent(parts[1], parts[2], parts[3]);
        }
    }
}
