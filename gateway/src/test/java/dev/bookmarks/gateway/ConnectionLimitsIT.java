package dev.bookmarks.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bookmarks.protocol.attack.RawHttp;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.TestPropertySource;

/**
 * Past {@code max-connections} (4 here) a new connection is closed at once, so slow clients that hold every
 * slot keep others out only while they are connected, and the slots free once they are gone. The idle timeout is
 * long here, so that the slow clients stay connected however loaded the machine is; that the gateway closes
 * them by itself is {@link SlowClientsIT}'s subject.
 */
@TestPropertySource(properties = {
        "bookmarks.gateway.limits.rate-limit.enabled=false",
        "server.netty.idle-timeout=120s",
        "bookmarks.gateway.limits.connections.max-connections=4"})
@ActiveProfiles("local")
class ConnectionLimitsIT extends GatewayIntegrationBase {

    @AutoClose
    static final StubShard shard = StubShard.start("s-a");

    @Test
    void pastTheBoundANewConnectionIsClosedUntilTheSlowClientsHoldingEverySlotAreGone() throws Exception {
        publishRing(shard);
        String token = "Bearer " + new GatewayClient(port).devToken("alice");
        List<Socket> slow = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
                socket.getOutputStream().write("GET /api/users/alice/bookmarks HTTP/1.1\r\nHost: x\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                slow.add(socket);
            }

            // Every slot is taken: one more connection is closed before it is served.
            await().atMost(Duration.ofSeconds(30)).until(() -> refused(token));
            assertThat(shard.received()).as("nothing of the slow clients' was forwarded").isEmpty();
        } finally {
            for (Socket socket : slow) {
                socket.close();
            }
        }

        // Their slots free once they are gone: a request is served again.
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> RawHttp.send(port, "GET",
                "/api/users/alice/bookmarks", Map.of("Authorization", token), null).status() == 200);
    }

    /** Whether a complete request on a new connection gets no answer because the gateway closed it. */
    private boolean refused(String token) {
        try {
            return RawHttp.send(port, "GET", "/api/users/alice/bookmarks", Map.of("Authorization", token), null)
                    .status() == -1;
        } catch (RuntimeException e) {
            return true;
        }
    }
}
