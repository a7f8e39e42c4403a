package dev.bookmarks.benchmarks;

import dev.bookmarks.ring.Ring;
import dev.bookmarks.ring.Shard;
import dev.bookmarks.signing.InternalSecret;
import dev.bookmarks.signing.RequestSigner;
import dev.bookmarks.testing.redis.RealRedis;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Requests per second of one bookmark shard, for list and for create, measured with wrk against
 * the shard's executable jar on loopback, signed as a gateway would sign. wrk cannot compute an
 * HMAC per request, so each wrk run gets headers signed just before it and lasts less than the
 * shard's 30-second signature window (a signature covers method, path, user and time, not the
 * body, so one signed create can be sent many times within the window).
 *
 * <p>Usage: {@code java -cp benchmarks/target/benchmarks.jar dev.bookmarks.benchmarks.ShardThroughput
 * [warm-up seconds, default 120] [seconds per measured run, default 20]}. Needs {@code wrk} and a
 * built {@code bookmark-service/target/bookmark-service-*.jar}.
 */
public final class ShardThroughput {

    private static final String SECRET = "benchmark-internal-secret-32-bytes-long";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Pattern REQUESTS = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
    private static final Pattern PERCENTILE = Pattern.compile("^\\s+(50|99)%\\s+(\\S+)", Pattern.MULTILINE);

    private ShardThroughput() {
    }

    public static void main(String[] args) throws Exception {
        int warmUpSeconds = args.length > 0 ? Integer.parseInt(args[0]) : 120;
        int runSeconds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        if (runSeconds > 25) {
            throw new IllegalArgumentException("a measured run must fit the 30 s signature window: at most 25 s");
        }
        Path data = Files.createTempDirectory("shard-throughput-");
        try (RealRedis redis = RealRedis.startProcess()) {
            Ring ring = Ring.create(Ring.DEFAULT_SLOT_COUNT, List.of(Shard.active("bench-1", "http://127.0.0.1:1", 1)));
            writeRing(redis, ring);
            int port = freePort();
            Process shard = startShard(port, freePort(), data, redis.url());
            try {
                RequestSigner signer = new RequestSigner(InternalSecret.parse(SECRET), Clock.systemUTC());
                String base = "http://127.0.0.1:" + port;
                String listPath = "/api/users/reader/bookmarks?limit=20";
                String createPath = "/api/users/writer/bookmarks";
                seed(base, signer, ring.epoch(), 1000);
                Path createScript = data.resolve("create.lua");
                Files.writeString(createScript, "wrk.method = \"POST\"\n"
                        + "wrk.body = '{\"url\":\"https://example.com/benchmark\",\"title\":\"A benchmark bookmark\","
                        + "\"tags\":[\"bench\",\"java\"],\"notes\":\"written by wrk\"}'\n"
                        + "wrk.headers[\"Content-Type\"] = \"application/json\"\n");
                System.err.printf("Warming up for %d s (list and create alternately)%n", warmUpSeconds);
                for (int left = warmUpSeconds; left > 0; left -= 2 * Math.min(left, 20)) {
                    wrk(base, listPath, "GET", signer, ring.epoch(), "reader", Math.min(left, 20), null);
                    wrk(base, createPath, "POST", signer, ring.epoch(), "writer", Math.min(left, 20), createScript);
                }
                String list = wrk(base, listPath, "GET", signer, ring.epoch(), "reader", runSeconds, null);
                String create = wrk(base, createPath, "POST", signer, ring.epoch(), "writer", runSeconds, createScript);
                System.out.println("| call | requests/s | p50 | p99 |");
                System.out.println("|---|--:|--:|--:|");
                System.out.println(row("GET " + listPath + " (1,000 bookmarks, newest 20)", list));
                System.out.println(row("POST " + createPath, create));
                System.out.printf("%nwrk -t2 -c16 -d%ds, after %d s of warm-up; shard and wrk share %d cores.%n",
                        runSeconds, warmUpSeconds, Runtime.getRuntime().availableProcessors());
            } finally {
                shard.destroy();
                shard.waitFor();
            }
        }
    }

    private static String row(String call, String wrkOutput) {
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
        return "| " + call + " | " + (requests.find() ? requests.group(1) : "?") + " | " + p50 + " | " + p99 + " |";
    }

    private static String wrk(String base, String pathAndQuery, String method, RequestSigner signer, long epoch,
            String user, int seconds, Path script) throws IOException, InterruptedException {
        URI uri = URI.create(base + pathAndQuery);
        List<String> command = new ArrayList<>(List.of("wrk", "-t2", "-c16", "-d" + seconds + "s", "--latency"));
        for (Map.Entry<String, String> header : signer.sign(method, uri.getRawPath(), uri.getRawQuery(), user, epoch)
                .entrySet()) {
            command.add("-H");
            command.add(header.getKey() + ": " + header.getValue());
        }
        if (script != null) {
            command.add("-s");
            command.add(script.toString());
        }
        command.add(uri.toString());
        Process wrk = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(wrk.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (wrk.waitFor() != 0 || output.contains("Non-2xx")) {
            throw new IllegalStateException("wrk failed or saw errors:\n" + output);
        }
        System.err.println(output);
        return output;
    }

    private static void seed(String base, RequestSigner signer, long epoch, int count) throws Exception {
        for (int i = 0; i < count; i++) {
            URI uri = URI.create(base + "/api/users/reader/bookmarks");
            HttpRequest.Builder request = HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"url\":\"https://example.com/" + i
                            + "\",\"title\":\"Seed " + i + "\",\"tags\":[\"t" + (i % 10) + "\"],\"notes\":\"\"}"));
            signer.sign("POST", uri.getRawPath(), null, "reader", epoch).forEach(request::header);
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 201) {
                throw new IllegalStateException("seeding failed: " + response.statusCode() + " " + response.body());
            }
        }
    }

    private static Process startShard(int port, int managementPort, Path data, String redisUrl) throws Exception {
        Path jar;
        try (var files = Files.list(Path.of("bookmark-service", "target"))) {
            jar = files.filter(p -> p.getFileName().toString().matches("bookmark-service-.*\\.jar")).findFirst()
                    .orElseThrow(() -> new IllegalStateException(
                            "build it first: ./mvnw -q -B -pl bookmark-service -am package -DskipTests"));
        }
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString(), "--server.port=" + port, "--management.server.port=" + managementPort,
                "--bookmarks.shard.id=bench-1", "--bookmarks.shard.url=http://127.0.0.1:" + port,
                "--bookmarks.shard.data-dir=" + data, "--bookmarks.shard.trust.secrets[0]=" + SECRET,
                "--spring.data.redis.url=" + redisUrl, "--logging.level.root=WARN")
                .redirectErrorStream(true).redirectOutput(data.resolve("shard.log").toFile()).start();
        URI ready = URI.create("http://127.0.0.1:" + managementPort + "/actuator/health/readiness");
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline && process.isAlive()) {
            try {
                if (HTTP.send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode() == 200) {
                    return process;
                }
            } catch (IOException notYet) {
                // Still starting.
            }
            Thread.sleep(250);
        }
        process.destroyForcibly();
        throw new IllegalStateException("the shard did not become ready; see " + data.resolve("shard.log"));
    }

    /** The ring keys set over RESP, so that this tool needs no Redis client library. */
    private static void writeRing(RealRedis redis, Ring ring) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), redis.port())) {
            OutputStream out = socket.getOutputStream();
            set(out, "bookmarks:ring", ring.toBytes());
            set(out, "bookmarks:ring:epoch", Long.toString(ring.epoch()).getBytes(StandardCharsets.US_ASCII));
            out.flush();
            byte[] reply = socket.getInputStream().readNBytes(10);
            if (!new String(reply, StandardCharsets.US_ASCII).equals("+OK\r\n+OK\r\n")) {
                throw new IllegalStateException("Redis did not store the ring");
            }
        }
    }

    private static void set(OutputStream out, String key, byte[] value) throws IOException {
        byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
        out.write(("*3\r\n$3\r\nSET\r\n$" + keyBytes.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(keyBytes);
        out.write(("\r\n$" + value.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(value);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
