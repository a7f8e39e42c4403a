package dev.bookmarks.benchmarks;

import dev.bookmarks.protocol.GatewayHeaders;
import dev.bookmarks.registry.RedisKeys;
import dev.bookmarks.registry.RingSigner;
import dev.bookmarks.registry.RingStore;
import dev.bookmarks.registry.TrustedRingKeys;
import dev.bookmarks.ring.Ring;
import dev.bookmarks.testing.redis.RealRedis;
import dev.bookmarks.testing.redis.TestRingKeys;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * What the wrk-driven benchmarks share: starting the project's executable jars as processes on
 * loopback, writing a ring into Redis without a client library, running wrk and reading its figures.
 */
final class LoadRig {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();
    private static final Pattern DEV_TOKEN = Pattern.compile("\"token\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern REQUESTS = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
    private static final Pattern PERCENTILE = Pattern.compile("^\\s+(50|99)%\\s+(\\S+)", Pattern.MULTILINE);

    private LoadRig() {
    }

    /** wrk's figures: requests/s and latency percentiles as wrk prints them. */
    record Figures(String requestsPerSecond, String p50, String p99) {

        static Figures of(String wrkOutput) {
            Matcher requests = REQUESTS.matcher(wrkOutput);
            Matcher percentiles = PERCENTILE.matcher(wrkOutput);
            String p50 = "?";
            String p99 = "?";
            while (percentiles.find()) {
                if (percentiles.group(1).equals("50")) {
                    p50 = percentiles.group(2);
                } else {
                    p99 = percentiles.group(2);
                }
            }
            return new Figures(requests.find() ? requests.group(1) : "?", p50, p99);
        }
    }

    /**
     * Runs {@code wrk -t2 -c16 --latency} for {@code seconds} against {@code url} with the headers
     * (and, for a POST, the Lua script setting the body) given.
     *
     * @throws IllegalStateException if wrk fails or saw a non-2xx answer
     */
    static Figures wrk(URI url, int seconds, Map<String, String> headers, Path script)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("wrk", "-t" + WRK_THREADS, "-c16", "-d" + seconds + "s", "--latency"));
        headers.forEach((name, value) -> {
            command.add("-H");
            command.add(name + ": " + value);
        });
        if (script != null) {
            command.add("-s");
            command.add(script.toString());
        }
        command.add(url.toString());
        Process wrk = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(wrk.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (wrk.waitFor() != 0 || output.contains("Non-2xx")) {
            throw new IllegalStateException("wrk failed or saw errors:\n" + output);
        }
        System.err.println(output);
        return Figures.of(output);
    }

    /**
     * Runs {@code wrk -t<threads> -c<connections> --latency} for {@code seconds} against {@code url} with the Lua
     * {@code script}, and returns wrk's output as it is, non-2xx answers included (the caller counts them).
     *
     * @throws IllegalStateException if wrk fails or runs 30 s longer than asked
     */
    static String wrkOutput(URI url, int threads, int connections, int seconds, Path script)
            throws IOException, InterruptedException {
        if (!url.getHost().equals("127.0.0.1")) {
            throw new IllegalArgumentException("only 127.0.0.1 is ever a target: " + url);
        }
        Path output = Files.createTempFile("wrk-", ".txt");
        try {
            Process wrk = new ProcessBuilder("wrk", "-t" + threads, "-c" + connections, "-d" + seconds + "s",
                    "--latency", "-s", script.toString(), url.toString())
                    .redirectErrorStream(true).redirectOutput(output.toFile()).start();
            if (!wrk.waitFor(seconds + 30L, TimeUnit.SECONDS)) {
                wrk.destroyForcibly();
                throw new IllegalStateException("wrk did not finish: " + Files.readString(output));
            }
            String text = Files.readString(output);
            if (wrk.exitValue() != 0) {
                throw new IllegalStateException("wrk failed:\n" + text);
            }
            return text;
        } finally {
            Files.deleteIfExists(output);
        }
    }

    /** The bookmark every benchmark create sends (no quote or backslash: it goes into Lua as it is). */
    static final String CREATE_BODY = "{\"url\":\"https://example.com/benchmark\",\"title\":\"A benchmark bookmark\","
            + "\"tags\":[\"bench\",\"java\"],\"notes\":\"written by wrk\"}";

    /** wrk's threads ({@code -t2}): each reads its own file of pre-signed headers. */
    static final int WRK_THREADS = 2;

    /** A Lua script for wrk that POSTs {@link #CREATE_BODY}. */
    static Path createScript(Path dir) throws IOException {
        return Files.writeString(dir.resolve("create.lua"), "wrk.method = \"POST\"\n"
                + "wrk.body = '" + CREATE_BODY + "'\n"
                + "wrk.headers[\"Content-Type\"] = \"application/json\"\n");
    }

    /**
     * A Lua script for wrk that sends {@code method} (with {@link #CREATE_BODY} when {@code withBody}) and, on
     * each request, the next line of its thread's file of pre-signed headers ({@code name-<thread>.txt} in
     * {@code dir}, lines of {@code timestamp nonce signature}, written by {@link #presign}): a shard accepts each
     * signature once, and wrk cannot compute an HMAC. When a file runs out the last headers are sent again, which
     * the shard refuses (401), so the run fails as non-2xx rather than measuring something else.
     */
    static Path signedScript(Path dir, String name, String method, boolean withBody) throws IOException {
        String prefix = dir.resolve(name + "-").toAbsolutePath().toString();
        if (prefix.contains("\"") || prefix.contains("\\")) {
            throw new IllegalArgumentException("the directory's name must not need escaping in Lua: " + prefix);
        }
        return Files.writeString(dir.resolve(name + ".lua"), "wrk.method = \"" + method + "\"\n"
                + (withBody ? "wrk.body = '" + CREATE_BODY + "'\nwrk.headers[\"Content-Type\"] = \"application/json\"\n"
                        : "")
                + "local threads = 0\n"
                + "function setup(thread)\n"
                + "  thread:set(\"id\", threads)\n"
                + "  threads = threads + 1\n"
                + "end\n"
                + "function init(args)\n"
                + "  signed = assert(io.open(\"" + prefix + "\" .. id .. \".txt\", \"r\"))\n"
                + "end\n"
                + "function request()\n"
                + "  local line = signed:read(\"*l\")\n"
                + "  if line then\n"
                + "    local timestamp, nonce, signature = line:match(\"^(%S+) (%S+) (%S+)$\")\n"
                + "    wrk.headers[\"" + GatewayHeaders.TIMESTAMP + "\"] = timestamp\n"
                + "    wrk.headers[\"" + GatewayHeaders.NONCE + "\"] = nonce\n"
                + "    wrk.headers[\"" + GatewayHeaders.SIGNATURE + "\"] = signature\n"
                + "  end\n"
                + "  return wrk.format()\n"
                + "end\n");
    }

    /**
     * Writes {@code perThread} freshly signed headers ({@code sign}, called once per line) for each of the
     * {@value #WRK_THREADS} threads of a {@link #signedScript} named {@code name}.
     */
    static void presign(Path dir, String name, int perThread, Supplier<Map<String, String>> sign) throws IOException {
        for (int thread = 0; thread < WRK_THREADS; thread++) {
            try (BufferedWriter out = Files.newBufferedWriter(dir.resolve(name + "-" + thread + ".txt"))) {
                for (int i = 0; i < perThread; i++) {
                    Map<String, String> headers = sign.get();
                    out.write(headers.get(GatewayHeaders.TIMESTAMP) + ' ' + headers.get(GatewayHeaders.NONCE) + ' '
                            + headers.get(GatewayHeaders.SIGNATURE) + '\n');
                }
            }
        }
    }

    /** Starts {@code module}'s executable jar with {@code arguments}, logging to {@code log}. */
    static Process startJar(String module, List<String> jvmOptions, List<String> arguments, Path log)
            throws IOException {
        Path jar;
        try (var files = Files.list(Path.of(module, "target"))) {
            jar = files.filter(p -> p.getFileName().toString().matches(module + "-.*\\.jar")).findFirst()
                    .orElseThrow(() -> new IllegalStateException(
                            "build it first: ./mvnw -q -B -pl " + module + " -am package -DskipTests"));
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar.toString()));
        command.addAll(arguments);
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** Waits (at most 90 s) until {@code readiness} answers 200, or fails with the log's path. */
    static void awaitReady(Process process, URI readiness, Path log) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline && process.isAlive()) {
            try {
                if (HTTP.send(HttpRequest.newBuilder(readiness).build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // Still starting.
            }
            Thread.sleep(250);
        }
        process.destroyForcibly();
        throw new IllegalStateException(readiness + " did not become ready; see " + log);
    }

    static void stop(Process process) throws InterruptedException {
        process.destroy();
        process.waitFor();
    }

    /**
     * Writes the first ring as the registry would: signed with the tests' key ({@link TestRingKeys}, which the
     * local profile and the shard started here trust), by compare-and-set.
     */
    static void writeRing(RealRedis redis, Ring ring) {
        LettuceConnectionFactory connections = new LettuceConnectionFactory(
                LettuceConnectionFactory.createRedisConfiguration(redis.url()));
        connections.afterPropertiesSet();
        connections.start();
        try {
            RingStore store = new RingStore(connections, new RedisKeys("bookmarks"),
                    TrustedRingKeys.parse(List.of(TestRingKeys.PUBLIC_KEY)));
            if (!(store.compareAndSet(0, ring, RingSigner.parse(TestRingKeys.PRIVATE_KEY))
                    instanceof RingStore.WriteResult.Written)) {
                throw new IllegalStateException("Redis already holds a ring");
            }
        } finally {
            connections.destroy();
        }
    }

    /** A development token for {@code user} from the local-profile gateway at {@code base}. */
    static String devToken(HttpClient client, URI base, String user) throws IOException, InterruptedException {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(base.resolve("/auth/dev-token"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"userId\":\"" + user + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        Matcher token = DEV_TOKEN.matcher(response.body());
        if (response.statusCode() != 200 || !token.find()) {
            throw new IllegalStateException("no dev token: " + response.statusCode() + " " + response.body());
        }
        return token.group(1);
    }

    /**
     * A free loopback port that this JVM has not handed out before: the operating system may give back the port it
     * just gave once that socket closed, and two processes told the same port collide (a gateway whose management
     * port was its server port refused to start).
     */
    static int freePort() {
        for (int attempt = 0; attempt < 100; attempt++) {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                if (HANDED_OUT.add(socket.getLocalPort())) {
                    return socket.getLocalPort();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw new IllegalStateException("no free port that was not handed out before, in 100 tries");
    }

}
