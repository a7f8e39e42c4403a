package dev.bookmarks.localstack;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Listens on 127.0.0.1:{@code port} in place of a killed shard and counts the TCP connections made to it: the
 * fault test's witness that a gateway whose breaker is open does not contact the shard at all. Each accepted
 * connection is closed at once (no answer), and its {@link System#nanoTime()} recorded.
 */
final class CountingListener implements AutoCloseable {

    private final ServerSocket server;
    private final ConcurrentLinkedQueue<Long> accepted = new ConcurrentLinkedQueue<>();
    private final Thread acceptor;

    private CountingListener(int port) throws IOException {
        server = new ServerSocket();
        // The killed process's connections may linger in TIME_WAIT on this port.
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
        acceptor = new Thread(this::acceptLoop, "counting-listener-" + port);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Binds 127.0.0.1:{@code port} (the dead shard's own port) and starts counting. */
    static CountingListener bind(int port) throws IOException {
        return new CountingListener(port);
    }

    /** The {@link System#nanoTime()} of every connection accepted so far, in order. */
    List<Long> acceptedAt() {
        return List.copyOf(accepted);
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try (Socket socket = server.accept()) {
                accepted.add(System.nanoTime());
            } catch (IOException e) {
                // closed: the loop ends
            }
        }
    }

    /** Stops listening and frees the port (for the shard's restart). */
    @Override
    public void close() {
        try {
            server.close();
            acceptor.join(5_000);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
