package dev.bookmarks.client;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIMatcher;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.StandardConstants;

/** A stand-in gateway: a JDK HttpServer/HttpsServer on one address that records requests and answers as told. */
final class StubGateway implements AutoCloseable {

    /** One request as the stub saw it. */
    record Seen(String address, String method, String path, String query, String host, String authorization,
            String idempotencyKey, String body) {
    }

    /** Answers one request. */
    @FunctionalInterface
    interface Responder {
        void respond(HttpExchange exchange, Seen seen) throws Exception;
    }

    final String address;
    final Queue<Seen> seen = new ConcurrentLinkedQueue<>();
    final Queue<String> sniNames = new ConcurrentLinkedQueue<>();
    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    final CountDownLatch release = new CountDownLatch(1);

    private StubGateway(String address, int port, SSLContext tls, Responder responder) throws IOException {
        this.address = address;
        InetSocketAddress bind = new InetSocketAddress(InetAddress.getByName(address), port);
        if (tls == null) {
            server = HttpServer.create(bind, 50);
        } else {
            HttpsServer https = HttpsServer.create(bind, 50);
            https.setHttpsConfigurator(new HttpsConfigurator(tls) {
                @Override
                public void configure(HttpsParameters params) {
                    SSLParameters ssl = tls.getDefaultSSLParameters();
                    ssl.setSNIMatchers(List.of(new SNIMatcher(StandardConstants.SNI_HOST_NAME) {
                        @Override
                        public boolean matches(SNIServerName name) {
                            sniNames.add(((SNIHostName) name).getAsciiName());
                            return true;
                        }
                    }));
                    params.setSSLParameters(ssl);
                }
            });
            server = https;
        }
        server.createContext("/", exchange -> {
            try (exchange) {
                String body;
                try (InputStream in = exchange.getRequestBody()) {
                    body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
                Seen request = new Seen(address, exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                        exchange.getRequestURI().getRawQuery(), exchange.getRequestHeaders().getFirst("Host"),
                        exchange.getRequestHeaders().getFirst("Authorization"),
                        exchange.getRequestHeaders().getFirst("Idempotency-Key"), body);
                seen.add(request);
                responder.respond(exchange, request);
            } catch (Exception e) {
                throw new IOException(e);
            }
        });
        server.setExecutor(executor);
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** Starts one stub per address, all on one port (found by retrying on a bind clash). */
    static List<StubGateway> startAll(List<String> addresses, SSLContext tls, Map<String, Responder> responders)
            throws IOException {
        BindException last = null;
        for (int round = 0; round < 20; round++) {
            int port;
            try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName(addresses.get(0)))) {
                port = probe.getLocalPort();
            }
            List<StubGateway> started = new ArrayList<>();
            try {
                for (String address : addresses) {
                    started.add(new StubGateway(address, port, tls, responders.get(address)));
                }
                return started;
            } catch (BindException e) {
                last = e;
                started.forEach(StubGateway::close);
            }
        }
        throw last;
    }

    static StubGateway start(String address, SSLContext tls, Responder responder) throws IOException {
        return new StubGateway(address, 0, tls, responder);
    }

    /** A port on {@code address} with nothing listening (connect is refused). */
    static int closedPort(String address) throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName(address))) {
            return probe.getLocalPort();
        }
    }

    static void json(HttpExchange exchange, int status, String json) throws IOException {
        send(exchange, status, "application/json", json);
    }

    static void problem(HttpExchange exchange, int status, String title, String retryAfter) throws IOException {
        if (retryAfter != null) {
            exchange.getResponseHeaders().add("Retry-After", retryAfter);
        }
        send(exchange, status, "application/problem+json",
                "{\"type\":\"about:blank\",\"title\":\"" + title + "\",\"status\":" + status + ",\"detail\":\"from "
                        + exchange.getLocalAddress().getAddress().getHostAddress() + "\"}");
    }

    static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    static String bookmarkJson(String id, String url) {
        return "{\"id\":\"" + id + "\",\"url\":\"" + url + "\",\"title\":\"t\",\"tags\":[\"a\"],\"notes\":\"\","
                + "\"createdAt\":\"2025-01-01T00:00:00.000001Z\",\"updatedAt\":\"2025-01-01T00:00:00.000001Z\","
                + "\"extra\":1}";
    }

    /** Stops answering: the port is closed, so connects to it are refused. */
    @Override
    public void close() {
        release.countDown();
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A listener that accepts connections and closes them at once (reset), never answering. */
    static final class Slammer implements AutoCloseable {
        private final ServerSocket socket;
        private final Thread thread;

        Slammer(String address, int port) throws IOException {
            socket = new ServerSocket(port, 50, InetAddress.getByName(address));
            thread = new Thread(() -> {
                while (!socket.isClosed()) {
                    try (Socket s = socket.accept()) {
                        s.setSoLinger(true, 0);
                    } catch (IOException e) {
                        // closed
                    }
                }
            }, "slammer");
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
