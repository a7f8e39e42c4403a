package dev.bookmarks.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One name, three gateways: failsafe starts this JVM with {@code -Djdk.net.hosts.file} mapping bookmarks.test
 * to 127.0.0.11, .12 and .13, and the certificate is valid for bookmarks.test only (no IP SAN), so this proves
 * that the client connects to the chosen IP and still verifies (and sends as SNI) the name.
 */
class HostsFileIT {

    @TempDir
    Path dir;

    @Test
    void resolvesTheNameToEveryGatewayAndVerifiesTheNameOnEach() throws Exception {
        assertThat(Arrays.stream(InetAddress.getAllByName("bookmarks.test")).map(InetAddress::getHostAddress))
                .containsExactlyInAnyOrder("127.0.0.11", "127.0.0.12", "127.0.0.13");
        TestCerts.Identity identity = TestCerts.create(dir, "bookmarks", "dns:bookmarks.test");
        Map<String, StubGateway.Responder> responders = new LinkedHashMap<>();
        responders.put("127.0.0.11", (exchange, seen) -> StubGateway.problem(exchange, 503, "Service Unavailable", "1"));
        responders.put("127.0.0.12", (exchange, seen) -> StubGateway.json(exchange, 201,
                StubGateway.bookmarkJson(UUID.randomUUID().toString(), "https://example.com")));
        responders.put("127.0.0.13", (exchange, seen) -> StubGateway.json(exchange, 201,
                StubGateway.bookmarkJson(UUID.randomUUID().toString(), "https://example.com")));
        List<StubGateway> stubs = StubGateway.startAll(List.of("127.0.0.11", "127.0.0.12", "127.0.0.13"),
                identity.serverContext(), responders);
        try {
            stubs.get(2).close(); // 127.0.0.13 is dead: connection refused
            Queue<Duration> sleeps = new ConcurrentLinkedQueue<>();
            BookmarksClient client = BookmarksClient.builder(URI.create("https://bookmarks.test:" + stubs.get(0).port()))
                    .token("t").trustCertificate(identity.certificatePem()).random(new Random(9))
                    .connectTimeout(Duration.ofSeconds(30)).requestTimeout(Duration.ofSeconds(30))
                    .sleeper(sleeps::add).maxAttempts(3).build();
            for (int i = 0; i < 10; i++) {
                client.create("alice", BookmarkDraft.of("https://example.com"));
            }
            assertThat(stubs.get(1).seen).hasSize(10);
            assertThat(stubs.get(0).seen).isNotEmpty();
            assertThat(sleeps).isNotEmpty();
            assertThat(stubs.get(0).sniNames).isNotEmpty().containsOnly("bookmarks.test");
            assertThat(stubs.get(1).sniNames).isNotEmpty().containsOnly("bookmarks.test");
            // The trade-off: Host carries the chosen address, not the name.
            assertThat(stubs.get(1).seen).extracting(StubGateway.Seen::host)
                    .containsOnly("127.0.0.12:" + stubs.get(1).port());
        } finally {
            stubs.forEach(StubGateway::close);
        }
    }
}
