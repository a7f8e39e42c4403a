package dev.bookmarks.localstack;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on 127.0.0.1 in front of one shard, for the fault tests: the ring points the shard's URL here.
 * While {@linkplain #passThrough() passing}, it pipes bytes both ways. While {@linkplain #unavailable()
 * unavailable}, it reads each HTTP/1.1 request whole and answers it itself with 503 problem+json,
 * {@code Retry-After: 1} and {@code Connection: close}, counting the requests: exactly the gateway's attempts
 * on that shard. Switching to unavailable closes the piped connections, so no pooled connection still reaches
 * the shard.
 */
final class FlakyShardProxy implements AutoCloseable {

    private static final int MAX_HEAD = 64 * 1024;
    private static final byte[] UNAVAILABLE_BODY = ("{\"type\":\"about:blank\",\"title\":\"Service Unavailable\","
            + "\"status\":503,\"detail\":\"the fault test's proxy answers for this shard\"}").getBytes(StandardCharsets.UTF_8);

    private final int targetPort;
    private final ServerSocket server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "flaky-shard-proxy");
        t.setDaemon(true);
        return t;
    });
    private final Set<Socket> piped = ConcurrentHashMap.newKeySet();
    private final AtomicLong refused = new AtomicLong();
    private volatile boolean unavailable;
    private volatile boolean closed;

    private FlakyShardProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 100);
        threads.execute(this::acceptLoop);
    }

    /** Starts a proxy to the shard on 127.0.0.1:{@code targetPort}, passing through. */
    static FlakyShardProxy start(int targetPort) throws IOException {
        return new FlakyShardProxy(targetPort);
    }

    String url() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    /** From now on every request is answered 503 here; open piped connections are closed. */
    void unavailable() {
        unavailable = true;
        for (Socket socket : piped) {
            closeQuietly(socket);
        }
    }

    /** From now on connections reach the shard again. */
    void passThrough() {
        unavailable = false;
    }

    /** Requests answered 503 so far. */
    long refused() {
        return refused.get();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            threads.execute(() -> serve(client));
        }
    }

    private void serve(Socket client) {
        if (unavailable) {
            refuse(client);
        } else {
            pipe(client);
        }
    }

    private void refuse(Socket client) {
        try (client) {
            client.setSoTimeout(10_000);
            InputStream in = client.getInputStream();
            readRequest(in);
            refused.incrementAndGet();
            OutputStream out = client.getOutputStream();
            out.write(("HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/problem+json\r\nRetry-After: 1\r\n"
                    + "Content-Length: " + UNAVAILABLE_BODY.length + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(UNAVAILABLE_BODY);
            out.flush();
        } catch (IOException e) {
            // The gateway gave up on this connection; nothing was answered, so nothing is counted.
        }
    }

    /** Reads one request's head and body (Content-Length or chunked), bounded. */
    private static void readRequest(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed before the end of the request head");
            }
            head.write(b);
            if (head.size() > MAX_HEAD) {
                throw new IOException("request head over " + MAX_HEAD + " bytes");
            }
            matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        long length = 0;
        boolean chunked = false;
        for (String line : head.toString(StandardCharsets.ISO_8859_1).split("\r\n")) {
            String lower = line.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            }
        }
        if (chunked) {
            for (int chunks = 0; chunks < 100_000; chunks++) {
                long size = Long.parseLong(readLine(in).split(";")[0].trim(), 16);
                if (size == 0) {
                    while (!readLine(in).isEmpty()) {
                        // trailers
                    }
                    return;
                }
                in.skipNBytes(size);
                readLine(in);
            }
            throw new IOException("too many chunks");
        }
        in.skipNBytes(length);
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < MAX_HEAD; i++) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed inside a chunked body");
            }
            if (b == '\n') {
                int end = line.length();
                return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
            }
            line.append((char) b);
        }
        throw new IOException("line over " + MAX_HEAD + " bytes");
    }

    private void pipe(Socket client) {
        Socket shard = new Socket();
        try {
            shard.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 1000);
        } catch (IOException e) {
            closeQuietly(client);
            closeQuietly(shard);
            return;
        }
        piped.add(client);
        piped.add(shard);
        threads.execute(() -> copy(shard, client));
        copy(client, shard);
    }

    private void copy(Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            for (int n; (n = in.read(buffer)) >= 0; ) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // One side went away: close both below.
        } finally {
            piped.remove(from);
            piped.remove(to);
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // already closed
        }
        piped.forEach(FlakyShardProxy::closeQuietly);
        threads.shutdownNow();
    }
}
