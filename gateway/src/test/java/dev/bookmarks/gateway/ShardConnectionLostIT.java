package dev.bookmarks.gateway;

import static dev.bookmarks.gateway.GatewayClient.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bookmarks.gateway.GatewayClient.Reply;
import dev.bookmarks.gateway.resilience.ShardCircuitBreakers;
import dev.bookmarks.ring.Ring;
import dev.bookmarks.ring.Shard;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.TestPropertySource;

/**
 * A shard whose connection breaks once the request has arrived, as a shard's does when it stops while the gateway
 * holds a pooled connection to it: reset (RST) or closed (FIN) without an answer. Either is a 502 problem, which the
 * client retries, and a failure for the shard's breaker; never a 500 that blames the gateway.
 */
@TestPropertySource(properties = "bookmarks.gateway.limits.rate-limit.enabled=false")
@ActiveProfiles("local")
class ShardConnectionLostIT extends GatewayIntegrationBase {

    @AutoClose
    static final BreakingShard shard = new BreakingShard();

    @Autowired
    ShardCircuitBreakers breakers;

    private GatewayClient client;
    private String user;

    @BeforeEach
    void theBreakingShardOwnsTheRing() {
        client = new GatewayClient(port);
        Ring ring = TestRings.publish(store, watcher, List.of(Shard.active("s-broken", shard.url(), 1)));
        user = TestRings.usersOf(ring, "s-broken", 1).get(0);
        breakers.registry().getAllCircuitBreakers().forEach(CircuitBreaker::reset);
        shard.received.set(0);
    }

    @Test
    void answers502WhenTheShardResetsTheConnectionAndItsBreakerCountsAFailure() {
        shard.reset = true;

        Reply reply = client.get("/api/users/" + user + "/bookmarks", bearer(client.devToken(user)));

        assertThat(reply.status()).as(reply.text()).isEqualTo(502);
        assertThat(reply.isProblem()).isTrue();
        assertThat(reply.json().get("title").asString()).isEqualTo("Shard failed");
        assertThat(shard.received.get()).as("requests the shard read before breaking the connection").isEqualTo(1);
        assertThat(breakers.forShard("s-broken").getMetrics().getNumberOfFailedCalls()).isEqualTo(1);
    }

    @Test
    void answers502WhenTheShardClosesTheConnectionWithoutAnAnswer() {
        shard.reset = false;

        Reply reply = client.get("/api/users/" + user + "/bookmarks", bearer(client.devToken(user)));

        assertThat(reply.status()).as(reply.text()).isEqualTo(502);
        assertThat(reply.json().get("title").asString()).isEqualTo("Shard failed");
        assertThat(breakers.forShard("s-broken").getMetrics().getNumberOfFailedCalls()).isEqualTo(1);
    }

    /**
     * A loopback socket server that reads each request's head, then resets the connection (SO_LINGER 0) or closes
     * it. One thread, one connection at a time, stopped by {@link #close()}.
     */
    static final class BreakingShard implements AutoCloseable {

        final AtomicInteger received = new AtomicInteger();
        volatile boolean reset = true;
        private final ServerSocket server;
        private final Thread thread;

        BreakingShard() {
            try {
                server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            thread = new Thread(this::serve, "breaking-shard");
            thread.setDaemon(true);
            thread.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getLocalPort();
        }

        private void serve() {
            while (!server.isClosed()) {
                try (Socket socket = server.accept()) {
                    socket.setSoTimeout(5_000);
                    if (readHead(socket.getInputStream())) {
                        received.incrementAndGet();
                    }
                    if (reset) {
                        socket.setSoLinger(true, 0);
                    }
                } catch (SocketException closed) {
                    return;
                } catch (IOException e) {
                    // One connection failed; serve the next.
                }
            }
        }

        /** Reads up to the blank line that ends a request's head (at most 64 KiB); false if it never came. */
        private static boolean readHead(InputStream in) throws IOException {
            StringBuilder head = new StringBuilder();
            while (head.length() < 65_536) {
                int b = in.read();
                if (b < 0) {
                    return false;
                }
                head.append((char) b);
                if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
                    return head.toString().startsWith("GET ");
                }
            }
            return false;
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
