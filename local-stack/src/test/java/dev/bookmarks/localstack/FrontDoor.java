package dev.bookmarks.localstack;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the browser reaches a gateway through in the web app's fault tests: a plain HTTP/1.1 proxy on 127.0.0.1
 * (keep-alive, one request at a time per connection) that forwards each request whole to one gateway and passes
 * its answer back, except for the faults a test arms:
 *
 * <ul>
 *   <li>{@link #answer503(int)}: the next {@code n} API requests are answered by the proxy itself, 503 problem+json
 *       with {@code Retry-After: 1}, as a gateway whose shard's breaker is open answers; the gateway never sees them.
 *   <li>{@link #answer401(int)}: the next {@code n} API requests are answered 401 by the proxy itself, as a gateway
 *       answers a token it no longer accepts (expired, or its key withdrawn).
 *   <li>{@link #resetAfterForwarding(int)}: the next {@code n} API POSTs are forwarded and answered by the gateway,
 *       and then the browser's connection is reset (TCP RST) instead: the write happened, its answer was lost.
 * </ul>
 *
 * Every request is recorded ({@link #requests()}) with its Idempotency-Key, so a test can show that a retry carried
 * the same key.
 */
final class FrontDoor implements AutoCloseable {

    /** One request the browser sent, and what became of it. */
    record Seen(String method, String path, String idempotencyKey, String outcome) {
    }

    private static final int MAX_HEAD = 64 * 1024;
    private static final Set<String> NOT_FORWARDED = Set.of("host", "connection", "content-length", "expect",
            "upgrade", "keep-alive", "transfer-encoding", "te", "proxy-connection");
    private static final Set<String> NOT_RETURNED = Set.of("connection", "content-length", "keep-alive",
            "transfer-encoding", ":status");
    private static final byte[] UNAVAILABLE = ("{\"type\":\"about:blank\",\"title\":\"Service Unavailable\","
            + "\"status\":503,\"detail\":\"the web test's front door answers 503\"}").getBytes(StandardCharsets.UTF_8);

    private static final byte[] EXPIRED = ("{\"type\":\"about:blank\",\"title\":\"Unauthenticated\","
            + "\"status\":401,\"detail\":\"the bearer token has expired\"}").getBytes(StandardCharsets.UTF_8);

    private final ServerSocket server;
    private final URI gateway;
    private final HttpClient forward;
    private final AtomicInteger unavailable = new AtomicInteger();
    private final AtomicInteger resets = new AtomicInteger();
    private final AtomicInteger unauthorized = new AtomicInteger();
    private final List<Seen> requests = new CopyOnWriteArrayList<>();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "front-door");
        t.setDaemon(true);
        return t;
    });

    private FrontDoor(URI gateway, HttpClient forward) throws IOException {
        this.gateway = gateway;
        this.forward = forward;
        this.server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 100);
        threads.execute(this::acceptLoop);
    }

    /** Starts a front door to {@code gateway} (its scheme, host and port), forwarding with {@code forward}. */
    static FrontDoor start(URI gateway, HttpClient.Builder forward) throws IOException {
        return new FrontDoor(gateway, forward.version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build());
    }

    /** The origin the browser opens, {@code http://127.0.0.1:<port>}. */
    String url() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    /** The next {@code n} requests under {@code /api/} get 503 with {@code Retry-After: 1} from the proxy itself. */
    void answer503(int n) {
        unavailable.set(n);
    }

    /** The next {@code n} requests under {@code /api/} get 401 (an expired token) from the proxy itself. */
    void answer401(int n) {
        unauthorized.set(n);
    }

    /** The next {@code n} POSTs under {@code /api/} reach the gateway, and then the browser's connection is reset. */
    void resetAfterForwarding(int n) {
        resets.set(n);
    }

    /** Every request so far, in order. */
    List<Seen> requests() {
        return List.copyOf(requests);
    }

    void clearRequests() {
        requests.clear();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                open.add(socket);
                threads.execute(() -> serve(socket));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            socket.setSoTimeout(60_000);
            InputStream in = socket.getInputStream();
            OutputStream out = new BufferedOutputStream(socket.getOutputStream());
            // Bounded by the socket: a browser keeps a connection for a few requests, then closes or idles out.
            for (int served = 0; served < 10_000; served++) {
                String head = readHead(in);
                if (head == null) {
                    return;
                }
                if (!serveOne(head, in, out, socket)) {
                    return;
                }
            }
        } catch (IOException | RuntimeException e) {
            // The browser went away, or the test reset the connection: either way this connection is done.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            open.remove(socket);
        }
    }

    /** Serves one request; false when the connection must end (reset or not reusable). */
    private boolean serveOne(String head, InputStream in, OutputStream out, Socket socket)
            throws IOException, InterruptedException {
        String[] lines = head.split("\r\n");
        String[] requestLine = lines[0].split(" ");
        String method = requestLine[0];
        String target = requestLine[1];
        HttpRequest.Builder request = HttpRequest.newBuilder(gateway.resolve(target)).timeout(Duration.ofSeconds(30));
        long length = 0;
        String key = null;
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            String name = lines[i].substring(0, colon).trim();
            String value = lines[i].substring(colon + 1).trim();
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.equals("content-length")) {
                length = Long.parseLong(value);
            } else if (lower.equals("idempotency-key")) {
                key = value;
            }
            if (!NOT_FORWARDED.contains(lower)) {
                request.header(name, value);
            }
        }
        byte[] body = in.readNBytes((int) length);
        boolean api = target.startsWith("/api/");
        if (api && unauthorized.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            requests.add(new Seen(method, target, key, "401 from the front door"));
            write(out, 401, Map.of("Content-Type", List.of("application/problem+json"), "WWW-Authenticate",
                    List.of("Bearer error=\"invalid_token\"")), EXPIRED);
            return true;
        }
        if (api && unavailable.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            requests.add(new Seen(method, target, key, "503 from the front door"));
            write(out, 503, Map.of("Content-Type", List.of("application/problem+json"), "Retry-After", List.of("1")),
                    UNAVAILABLE);
            return true;
        }
        request.method(method, body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(body));
        HttpResponse<byte[]> answer = forward.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        if (api && method.equals("POST") && resets.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            requests.add(new Seen(method, target, key, answer.statusCode() + " from the gateway, then reset"));
            socket.setSoLinger(true, 0);
            socket.close();
            return false;
        }
        requests.add(new Seen(method, target, key, Integer.toString(answer.statusCode())));
        write(out, answer.statusCode(), answer.headers().map(), method.equals("HEAD") ? new byte[0] : answer.body());
        return true;
    }

    private static void write(OutputStream out, int status, Map<String, List<String>> headers, byte[] body)
            throws IOException {
        StringBuilder head = new StringBuilder("HTTP/1.1 ").append(status).append(' ').append(reason(status))
                .append("\r\n");
        headers.forEach((name, values) -> {
            if (!NOT_RETURNED.contains(name.toLowerCase(Locale.ROOT))) {
                values.forEach(v -> head.append(name).append(": ").append(v).append("\r\n"));
            }
        });
        if (status != 304 && status != 204) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("\r\n");
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (status != 304 && status != 204) {
            out.write(body);
        }
        out.flush();
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 201 -> "Created";
            case 204 -> "No Content";
            case 304 -> "Not Modified";
            case 401 -> "Unauthorized";
            case 503 -> "Service Unavailable";
            default -> "Status";
        };
    }

    /** The request head, or null at the end of the connection before a new request began. */
    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                if (head.size() == 0) {
                    return null;
                }
                throw new IOException("the connection ended inside a request head");
            }
            if (head.size() >= MAX_HEAD) {
                throw new IOException("request head too large");
            }
            head.write(b);
            matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.ISO_8859_1).trim();
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // already closed
        }
        for (Socket socket : open) {
            try {
                socket.close();
            } catch (IOException e) {
                // already gone
            }
        }
        threads.shutdownNow();
    }
}
