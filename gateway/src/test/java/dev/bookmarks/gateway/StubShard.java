package dev.bookmarks.gateway;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A stand-in for a shard: a JDK HTTP server on a free loopback port that records every request it
 * receives and answers 200 with a small JSON body naming itself, or whatever a test scripted.
 */
final class StubShard implements AutoCloseable {

    private final String id;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(4);
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final AtomicReference<Script> next = new AtomicReference<>();
    private final AtomicInteger repeats = new AtomicInteger();
    private volatile Script repeated;
    private volatile Script always;

    private StubShard(String id) {
        this.id = id;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    static StubShard start(String id) {
        return new StubShard(id);
    }

    String id() {
        return id;
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    List<Received> received() {
        return List.copyOf(received);
    }

    /** Answers the next request by running {@code before}, then with {@code status} and a problem body. */
    void answerNextWith(int status, Runnable before) {
        next.set(new Script(status, Map.of(), before));
    }

    /** Answers the next {@code times} requests with {@code status}, these headers and a problem body. */
    void answerNextWith(int status, Map<String, String> headers, int times) {
        repeated = new Script(status, headers, () -> { });
        repeats.set(times);
    }

    /** Answers every request with {@code status} until {@link #reset()}. */
    void answerAlwaysWith(int status) {
        answerAlwaysWith(status, Map.of());
    }

    /** Answers every request with {@code status} and these headers until {@link #reset()}. */
    void answerAlwaysWith(int status, Map<String, String> headers) {
        always = new Script(status, headers, () -> { });
    }

    void reset() {
        received.clear();
        next.set(null);
        repeats.set(0);
        repeated = null;
        always = null;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Map<String, List<String>> headers = new LinkedHashMap<>();
            exchange.getRequestHeaders().forEach((name, values) ->
                    headers.put(name.toLowerCase(Locale.ROOT), new ArrayList<>(values)));
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Received request = new Received(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                    exchange.getRequestURI().getRawQuery(), headers, body);
            received.add(request);
            Script script = next.getAndSet(null);
            if (script == null && repeats.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                script = repeated;
            }
            if (script == null) {
                script = always;
            }
            if (script != null) {
                script.before().run();
                byte[] problem = ("{\"title\":\"scripted\",\"status\":" + script.status() + "}")
                        .getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/problem+json");
                exchange.getResponseHeaders().set("X-Bookmarks-Epoch", "0");
                script.headers().forEach(exchange.getResponseHeaders()::set);
                exchange.sendResponseHeaders(script.status(), problem.length);
                exchange.getResponseBody().write(problem);
                return;
            }
            byte[] answer = ("{\"shard\":\"" + id + "\",\"path\":\"" + request.rawPath() + "\",\"body\":"
                    + (body.isEmpty() ? "null" : body) + "}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.getResponseHeaders().set("X-Shard", id);
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private record Script(int status, Map<String, String> headers, Runnable before) {
    }

    /** A request as the shard received it; header names lower case. */
    record Received(String method, String rawPath, String rawQuery, Map<String, List<String>> headers, String body) {

        String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null || values.isEmpty() ? null : values.get(0);
        }

        List<String> headers(String name) {
            return headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
        }
    }
}
