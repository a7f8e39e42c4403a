package dev.bookmarks.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI against a stub HTTPS gateway that has the local stack's dev-token endpoint. */
class BookmarksCliIT {

    private static final String BOOKMARK = "{\"id\":\"0b5c3c1e-0000-4000-8000-000000000001\",\"url\":\"https://example.com\","
            + "\"title\":\"Example\",\"tags\":[\"demo\",\"x\"],\"notes\":\"\",\"createdAt\":\"2025-01-01T00:00:00Z\","
            + "\"updatedAt\":\"2025-01-01T00:00:00Z\"}";

    @TempDir
    static Path dir;
    static HttpsServer server;
    static Path cert;
    static final Queue<String> requests = new ConcurrentLinkedQueue<>();

    @BeforeAll
    static void start() throws Exception {
        Path store = dir.resolve("gw.p12");
        cert = dir.resolve("gateway.crt");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        keytool(keytool, "-genkeypair", "-alias", "gw", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "30",
                "-dname", "CN=gw", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-keystore", store.toString(),
                "-storetype", "PKCS12", "-storepass", "changeit", "-keypass", "changeit");
        keytool(keytool, "-exportcert", "-rfc", "-alias", "gw", "-keystore", store.toString(), "-storepass",
                "changeit", "-file", cert.toString());
        KeyStore keys = KeyStore.getInstance(store.toFile(), "changeit".toCharArray());
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, "changeit".toCharArray());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), null, null);
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 50);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        server.createContext("/", exchange -> {
            try (exchange) {
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                String auth = String.valueOf(exchange.getRequestHeaders().getFirst("Authorization"));
                String call = exchange.getRequestMethod() + " " + exchange.getRequestURI();
                requests.add(call + " " + auth + " " + body);
                if (call.equals("POST /auth/dev-token")) {
                    send(exchange, 200, "{\"token\":\"dev-" + (body.contains("alice") ? "alice" : "other") + "\"}");
                } else if (!auth.equals("Bearer dev-alice")) {
                    send(exchange, 401, "{\"title\":\"Unauthorized\",\"status\":401,\"detail\":\"bad token\"}");
                } else if (call.equals("POST /api/users/alice/bookmarks")) {
                    send(exchange, 201, BOOKMARK);
                } else if (call.startsWith("GET /api/users/alice/bookmarks")) {
                    send(exchange, 200, "{\"items\":[" + BOOKMARK + "],\"nextCursor\":null}");
                } else if (call.equals("DELETE /api/users/alice/bookmarks/0b5c3c1e-0000-4000-8000-000000000001")) {
                    exchange.sendResponseHeaders(204, -1);
                } else if (call.equals("GET /api/users/alice/tags")) {
                    send(exchange, 200, "[{\"tag\":\"demo\",\"count\":1},{\"tag\":\"x\",\"count\":1}]");
                } else {
                    send(exchange, 404, "{\"title\":\"Not Found\",\"status\":404}");
                }
            }
        });
        server.start();
    }

    @AfterAll
    static void stop() {
        server.stop(0);
    }

    private static void keytool(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
    }

    private static void send(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", status >= 400 ? "application/problem+json" : "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    record Result(int code, String out, String err) {
    }

    private static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = BookmarksCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), null);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static String server() {
        return "https://127.0.0.1:" + server.getAddress().getPort();
    }

    @Test
    void addsWithADevTokenAndPrintsJson() {
        Result r = run("add", "--user", "alice", "--url", "https://example.com", "--title", "Example", "--tag", "demo",
                "--tag", "x", "--dev-token", "--cacert", cert.toString(), "--server", server());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("\"id\" : \"0b5c3c1e-0000-4000-8000-000000000001\"").contains("\"demo\"");
        assertThat(requests).anySatisfy(s -> assertThat(s).startsWith("POST /api/users/alice/bookmarks Bearer dev-alice")
                .contains("\"tags\":[\"demo\",\"x\"]").contains("\"title\":\"Example\""));
    }

    @Test
    void listsAsATableOrJson() {
        Result table = run("list", "--user", "alice", "--tag", "demo", "--token", "dev-alice", "--cacert", cert.toString(),
                "--server", server());
        assertThat(table.code()).as(table.err()).isZero();
        assertThat(table.out().lines()).hasSize(2);
        assertThat(table.out()).contains("ID").contains("https://example.com").contains("demo,x");
        Result json = run("list", "--user", "alice", "--json", "--token", "dev-alice", "--cacert", cert.toString(),
                "--server", server());
        assertThat(json.out()).contains("\"items\"");
    }

    @Test
    void removesAndShowsTags() {
        Result rm = run("rm", "--user", "alice", "--id", "0b5c3c1e-0000-4000-8000-000000000001", "--dev-token",
                "--cacert", cert.toString(), "--server", server());
        assertThat(rm.code()).as(rm.err()).isZero();
        assertThat(rm.out()).contains("deleted 0b5c3c1e-0000-4000-8000-000000000001");
        Result tags = run("tags", "--user", "alice", "--dev-token", "--cacert", cert.toString(), "--server", server());
        assertThat(tags.code()).isZero();
        assertThat(tags.out()).contains("1  demo").contains("1  x");
    }

    @Test
    void failsOverToTheOtherPortWhenOneOfThePortsRefusesConnections() throws IOException {
        int closed;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            closed = socket.getLocalPort();
        }
        int live = server.getAddress().getPort();
        // Each call tries the two endpoints in a shuffled order; ten calls reach the closed port at least once
        // unless the shuffle puts the live one first every time (a chance of 1 in 1024).
        for (int call = 0; call < 10; call++) {
            Result r = run("tags", "--user", "alice", "--token", "dev-alice", "--cacert", cert.toString(),
                    "--server", "https://127.0.0.1:" + live, "--ports", closed + "," + live, "--attempts", "2");
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out()).contains("1  demo");
        }
    }

    @Test
    void exitsWithOneOnAProblemAndPrintsIt() {
        Result r = run("tags", "--user", "alice", "--token", "wrong", "--cacert", cert.toString(), "--server", server());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("HTTP 401: Unauthorized (bad token)");
    }

    @Test
    void exitsWithOneWhenTheCertificateIsNotTrusted() {
        // Without --cacert only the JDK's CAs are trusted, which do not sign the stub's self-signed certificate.
        Result r = run("tags", "--user", "alice", "--token", "dev-alice", "--server", server());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("TLS verification failed");
        assertThat(r.out()).isEmpty();
    }
}
