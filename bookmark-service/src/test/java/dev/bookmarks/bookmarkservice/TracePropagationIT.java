package dev.bookmarks.bookmarkservice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bookmarks.ring.Ring;
import dev.bookmarks.ring.Shard;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The shard's half of a trace (the gateway's is the gateway module's {@code TracePropagationIT}): a request signed
 * as a gateway signs it, with the gateway's client span in its W3C {@code traceparent}, is accepted (the signature
 * does not cover the header) and served in a server span of the same trace whose parent is that client span; the
 * request's log lines, as ECS JSON, carry the trace ID. Every trace sampled, spans kept in memory.
 */
@TestPropertySource(properties = {
        "management.tracing.sampling.probability=1.0",
        "management.opentelemetry.tracing.export.schedule-delay=50ms",
        "logging.structured.format.console=ecs",
        // Logs each request it dispatches, inside the request's server observation.
        "logging.level.org.springframework.web.servlet.DispatcherServlet=DEBUG"})
@ExtendWith(OutputCaptureExtension.class)
class TracePropagationIT extends ShardIntegrationBase {

    private static final String TRACE_ID = "0af7651916cd43dd8448eb211c80319c";
    private static final String GATEWAY_SPAN_ID = "b7ad6b7169203331";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Ring RING = Ring.create(1024, List.of(Shard.active(SHARD_ID, SHARD_URL, 1)));

    @Autowired
    InMemorySpanExporter spans;

    private ActingGateway gateway;

    @TestConfiguration(proxyBeanMethods = false)
    static class Spans {

        /** Boot's OpenTelemetry auto-configuration exports to every {@code SpanExporter} bean. */
        @Bean
        InMemorySpanExporter inMemorySpanExporter() {
            return InMemorySpanExporter.create();
        }
    }

    @BeforeEach
    void ring() {
        publishFirstRing(RING);
        gateway = actingGateway(RING);
        spans.reset();
    }

    @Test
    void aSignedRequestContinuesTheGatewaysTraceAsAChildOfItsClientSpan() {
        HttpResponse<String> response = gateway.send("POST", "/api/users/alice/bookmarks", "alice",
                "{\"url\":\"https://example.com\"}", Map.of("traceparent", "00-" + TRACE_ID + "-" + GATEWAY_SPAN_ID + "-01"));

        assertThat(response.statusCode()).as(response.body()).isIn(200, 201);
        SpanData server = await().atMost(Duration.ofSeconds(10))
                .until(() -> spansOf(TRACE_ID, SpanKind.SERVER), found -> found.size() == 1).get(0);
        assertThat(server.getParentSpanId()).isEqualTo(GATEWAY_SPAN_ID);
        assertThat(server.getParentSpanContext().isRemote()).isTrue();
    }

    @Test
    void aRequestWithoutTraceparentIsTracedAsARootSpan() {
        HttpResponse<String> response = gateway.send("GET", "/api/users/alice/bookmarks", "alice", null);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        SpanData server = await().atMost(Duration.ofSeconds(10)).until(() -> spans.getFinishedSpanItems().stream()
                .filter(span -> span.getKind() == SpanKind.SERVER).toList(), found -> found.size() == 1).get(0);
        assertThat(server.getParentSpanContext().isValid()).isFalse();
    }

    @Test
    void theLogLinesOfATracedRequestCarryItsTraceIdInEcsJson(CapturedOutput output) {
        HttpResponse<String> response = gateway.send("GET", "/api/users/alice/bookmarks?tag=traced", "alice", null,
                Map.of("traceparent", "00-" + TRACE_ID + "-" + GATEWAY_SPAN_ID + "-01"));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        SpanData server = await().atMost(Duration.ofSeconds(10))
                .until(() -> spansOf(TRACE_ID, SpanKind.SERVER), found -> found.size() == 1).get(0);
        // The span of the request or of one inside it (Spring Security's filter chain, for one).
        List<String> spanIds = spans.getFinishedSpanItems().stream().filter(span -> span.getTraceId().equals(TRACE_ID))
                .map(SpanData::getSpanId).toList();
        assertThat(spanIds).contains(server.getSpanId());
        List<JsonNode> lines = output.getOut().lines().filter(line -> line.startsWith("{") && line.contains("tag=traced"))
                .map(JSON::readTree).toList();
        assertThat(lines).isNotEmpty().allSatisfy(line -> {
            assertThat(line.path("trace.id").asString()).isEqualTo(TRACE_ID);
            assertThat(line.path("span.id").asString()).isIn(spanIds);
        });
    }

    private List<SpanData> spansOf(String traceId, SpanKind kind) {
        return spans.getFinishedSpanItems().stream()
                .filter(span -> span.getTraceId().equals(traceId) && span.getKind() == kind).toList();
    }
}
