package dev.bookmarks.benchmarks;

import dev.bookmarks.benchmarks.LoadRig.Figures;
import dev.bookmarks.ring.Ring;
import dev.bookmarks.ring.Shard;
import dev.bookmarks.signing.InternalSecret;
import dev.bookmarks.signing.RequestSigner;
import dev.bookmarks.testing.redis.RealRedis;
import dev.bookmarks.testing.redis.TestRingKeys;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

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

    static final String SECRET = "benchmark-internal-secret-32-bytes-long";
    static final String LIST_PATH = "/api/users/reader/bookmarks?limit=20";
    static final String CREATE_PATH = "/api/users/writer/bookmarks";

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
            LoadRig.writeRing(redis, ring);
            int port = LoadRig.freePort();
            Process shard = startShard(port, LoadRig.freePort(), data, redis.url(), SECRET, List.of());
            try {
                SignedShard target = new SignedShard(port, new RequestSigner(InternalSecret.parse(SECRET),
                        Clock.systemUTC()), ring.epoch());
                target.seed(1000);
                Path create = LoadRig.createScript(data);
                System.err.printf("Warming up for %d s (list and create alternately)%n", warmUpSeconds);
                for (int left = warmUpSeconds; left > 0; left -= 2 * Math.min(left, 20)) {
                    target.list(Math.min(left, 20));
                    target.create(Math.min(left, 20), create);
                }
                Figures list = target.list(runSeconds);
                Figures created = target.create(runSeconds, create);
                System.out.println("| call | requests/s | p50 | p99 |");
                System.out.println("|---|--:|--:|--:|");
                System.out.println(row("GET " + LIST_PATH + " (1,000 bookmarks, newest 20)", list));
                System.out.println(row("POST " + CREATE_PATH, created));
                System.out.printf("%nwrk -t2 -c16 -d%ds, after %d s of warm-up; shard and wrk share %d cores.%n",
                        runSeconds, warmUpSeconds, Runtime.getRuntime().availableProcessors());
            } finally {
                LoadRig.stop(shard);
            }
        }
    }

    static String row(String call, Figures figures) {
        return "| " + call + " | " + figures.requestsPerSecond() + " | " + figures.p50() + " | " + figures.p99() + " |";
    }

    /** Starts the shard jar as {@code bench-1} and waits until it is ready. */
    static Process startShard(int port, int managementPort, Path data, String redisUrl, String secret,
            List<String> jvmOptions) throws Exception {
        Path log = data.resolve("shard.log");
        Process process = LoadRig.startJar("bookmark-service", jvmOptions, List.of("--server.port=" + port,
                "--management.server.port=" + managementPort, "--bookmarks.shard.id=bench-1",
                "--bookmarks.shard.url=http://127.0.0.1:" + port, "--bookmarks.shard.data-dir=" + data.resolve("shard"),
                "--bookmarks.shard.trust.secrets[0]=" + secret, "--spring.data.redis.url=" + redisUrl,
                "--" + TestRingKeys.TRUSTED_KEYS_PROPERTY,
                "--logging.level.root=WARN"), log);
        LoadRig.awaitReady(process, URI.create("http://127.0.0.1:" + managementPort + "/actuator/health/readiness"), log);
        return process;
    }

    /** The shard addressed directly, each wrk run signed just before it starts. */
    record SignedShard(int port, RequestSigner signer, long epoch) {

        private static final HttpClient HTTP = HttpClient.newHttpClient();

        Figures list(int seconds) throws Exception {
            URI uri = URI.create("http://127.0.0.1:" + port + LIST_PATH);
            return LoadRig.wrk(uri, seconds, signer.sign("GET", uri.getRawPath(), uri.getRawQuery(), "reader", epoch), null);
        }

        Figures create(int seconds, Path script) throws Exception {
            URI uri = URI.create("http://127.0.0.1:" + port + CREATE_PATH);
            return LoadRig.wrk(uri, seconds, signer.sign("POST", uri.getRawPath(), null, "writer", epoch), script);
        }

        void seed(int count) throws Exception {
            for (int i = 0; i < count; i++) {
                URI uri = URI.create("http://127.0.0.1:" + port + "/api/users/reader/bookmarks");
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
    }
}
