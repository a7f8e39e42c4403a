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
 * the idle timeout (2 s here) is closed however it trickles, and nothing of it reaches a shard.
 */
@TestPropertySource(properties = {
        "bookmarks.gateway.limits.rate-limit.enabled=false",
        "server.netty.idle-timeout=2s"})
@ActiveProfiles("local")
class SlowClientsIT extends GatewayIntegrationBase {

    @AutoClose
    static final StubShard shard = StubShard.start("s-a");

    @Test
    void clientsTricklingTheirRequestHeadAreClosedAndNothingOfTheirsIsForwarded() throws Exception {
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
            System.out.printf("[SlowClientsIT] trickling connections closed by the gateway after (ms) %s%n",
                    closedAfterMillis);
            assertThat(closedAfterMillis).as("slow connections the gateway closed").hasSize(4);
            assertThat(shard.received()).as("nothing of theirs was forwarded").isEmpty();

            RawHttp.Answer served = RawHttp.send(port, "GET", "/api/users/alice/bookmarks",
                    Map.of("Authorization", token), null);
            assertThat(served.status()).as("a request from a client that sends its head at once").isEqualTo(200);
        } finally {
            for (Socket socket : slow) {
                socket.close();
            }
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
