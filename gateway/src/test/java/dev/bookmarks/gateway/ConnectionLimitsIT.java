package dev.bookmarks.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bookmarks.protocol.attack.RawHttp;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
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
 * Slow clients cannot hold a gateway's connections: a connection that has not delivered a request head within
 * the idle timeout (2 s here) is closed however it trickles, and past {@code max-connections} (4 here) a new
 * connection is closed at once, so the bound holds while slow clients are connected and frees once they are
 * gone.
 */
@TestPropertySource(properties = {
        "bookmarks.gateway.limits.rate-limit.enabled=false",
        "server.netty.idle-timeout=2s",
        "bookmarks.gateway.limits.connections.max-connections=4"})
@ActiveProfiles("local")
class ConnectionLimitsIT extends GatewayIntegrationBase {

    @AutoClose
    static final StubShard shard = StubShard.start("s-a");

    @Test
    void slowClientsAreClosedAndCannotHoldTheConnectionsOthersNeed() throws Exception {
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
            await().atMost(Duration.ofSeconds(30)).until(() -> shard.received().isEmpty() && refused(token));

            // Trickle a header line every 300 ms on each (the poll is the trickle): the server closes them all
            // the same. Closed within the 2 s idle timeout on an idle machine; the bound is a hang guard.
            long begin = System.nanoTime();
            List<Long> closedAfterMillis = new ArrayList<>();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).until(() -> {
                for (Socket socket : slow) {
                    if (!socket.isClosed() && !trickle(socket)) {
                        closedAfterMillis.add((System.nanoTime() - begin) / 1_000_000);
                        socket.close();
                    }
                }
                return closedAfterMillis.size() == slow.size();
            });
            System.out.printf("[ConnectionLimitsIT] trickling connections closed by the gateway after (ms) %s%n",
                    closedAfterMillis);
            assertThat(closedAfterMillis).as("slow connections the gateway closed").hasSize(4);
            assertThat(shard.received()).as("nothing of theirs was forwarded").isEmpty();

            RawHttp.Answer served = RawHttp.send(port, "GET", "/api/users/alice/bookmarks",
                    Map.of("Authorization", token), null);
            assertThat(served.status()).as("a request once the slow clients are gone").isEqualTo(200);
        } finally {
            for (Socket socket : slow) {
                socket.close();
            }
        }
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

    /** Sends one more header line; false once the gateway has closed the connection. */
    private static boolean trickle(Socket socket) {
        try {
            InputStream in = socket.getInputStream();
            socket.setSoTimeout(1);
            try {
                if (in.read() < 0) {
                    return false;
                }
            } catch (SocketTimeoutException stillOpen) {
                // nothing to read: the connection is still open
            }
            OutputStream out = socket.getOutputStream();
            out.write("X-Slow: 1\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
