package dev.bookmarks.localstack;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * The proxy of fault scenario 6: a TLS endpoint that looks like a gateway to the client (it serves a gateway's
 * own key and certificate, as a TLS-terminating load balancer would), forwards each HTTP/1.1 request whole to
 * a real gateway, reads the gateway's whole answer, and then, instead of passing it back, resets the client's
 * connection (TCP RST, no TLS close_notify). The answers it withheld are kept by Idempotency-Key.
 */
final class LossyTlsProxy implements AutoCloseable {

    private static final int MAX_HEAD = 64 * 1024;
    /** The headers the JDK client sets itself and refuses to be given. */
    private static final Set<String> NOT_FORWARDED = Set.of("host", "connection", "content-length", "expect", "upgrade");

    /** A gateway's answer that the client never got. */
    record Withheld(String method, String path, int status, String body) {
    }

    private final ServerSocket server;
    private final SSLContext tls;
    private final URI gateway;
    private final HttpClient forward;
    private final Map<String, Withheld> withheld = new ConcurrentHashMap<>();
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "lossy-tls-proxy");
        t.setDaemon(true);
        return t;
    });

    private LossyTlsProxy(String address, int port, SSLContext tls, URI gateway, HttpClient forward) throws IOException {
        this.tls = tls;
        this.gateway = gateway;
        this.forward = forward;
        this.server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(InetAddress.getByName(address), port), 50);
        threads.execute(this::acceptLoop);
    }

    /**
     * Listens on {@code address}:{@code port} with the key and certificate a gateway's local profile keeps in
     * {@code gatewayDataDir}, and forwards to {@code gateway} (e.g. {@code https://127.0.0.11:8443}) with
     * {@code forward}.
     */
    static LossyTlsProxy start(String address, int port, Path gatewayDataDir, URI gateway, HttpClient forward)
            throws IOException, GeneralSecurityException {
        Path dir = gatewayDataDir.resolve("tls");
        char[] password = Files.readString(dir.resolve("gateway.p12.password"), StandardCharsets.US_ASCII).trim().toCharArray();
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(dir.resolve("gateway.p12"))) {
            keys.load(in, password);
        }
        KeyManagerFactory managers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        managers.init(keys, password);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(managers.getKeyManagers(), null, null);
        return new LossyTlsProxy(address, port, tls, gateway, forward);
    }

    /** The answers withheld so far, by the request's Idempotency-Key ({@code "-"} when it had none). */
    Map<String, Withheld> withheld() {
        return Map.copyOf(withheld);
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            Socket plain;
            try {
                plain = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            threads.execute(() -> serve(plain));
        }
    }

    private void serve(Socket plain) {
        try {
            plain.setSoTimeout(10_000);
            SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket(plain,
                    plain.getInetAddress().getHostAddress(), plain.getPort(), false);
            socket.setUseClientMode(false);
            socket.startHandshake();
            InputStream in = socket.getInputStream();
            String[] head = readHead(in).split("\r\n");
            String[] requestLine = head[0].split(" ");
            HttpRequest.Builder request = HttpRequest.newBuilder(gateway.resolve(requestLine[1]))
                    .timeout(Duration.ofSeconds(10));
            long length = 0;
            String key = "-";
            for (int i = 1; i < head.length; i++) {
                int colon = head[i].indexOf(':');
                String name = head[i].substring(0, colon).trim();
                String value = head[i].substring(colon + 1).trim();
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
            request.method(requestLine[0], body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
            HttpResponse<String> answer = forward.send(request.build(), HttpResponse.BodyHandlers.ofString());
            withheld.put(key, new Withheld(requestLine[0], requestLine[1], answer.statusCode(), answer.body()));
        } catch (IOException | RuntimeException e) {
            // Nothing forwarded or no answer: the reset below is all the client sees either way.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            reset(plain);
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0 || head.size() >= MAX_HEAD) {
                throw new IOException("no complete request head");
            }
            head.write(b);
            matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.ISO_8859_1).trim();
    }

    /** Closes the TCP connection under the TLS session with SO_LINGER 0: an RST, no close_notify. */
    private static void reset(Socket plain) {
        try {
            plain.setSoLinger(true, 0);
            plain.close();
        } catch (IOException e) {
            // already gone
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // already closed
        }
        threads.shutdownNow();
    }
}
