package dev.bookmarks.benchmarks;

import dev.bookmarks.benchmarks.LoadRig.Figures;
import dev.bookmarks.protocol.BodyDigest;
import dev.bookmarks.protocol.GatewayHeaders;
import dev.bookmarks.protocol.InternalSecret;
import dev.bookmarks.protocol.RequestSigner;
import dev.bookmarks.ring.Ring;
import dev.bookmarks.ring.Shard;
import dev.bookmarks.testing.redis.RealRedis;
import dev.bookmarks.testing.redis.TestRingKeys;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * Requests per second of one bookmark shard, for list and for create, measured with wrk against
 * the shard's executable jar on loopback, signed as a gateway would sign. wrk cannot compute an
 * HMAC per request and a shard accepts each signature once, so each wrk run reads headers signed
 * just before it, one set per request ({@link SignedShard}), and lasts less than the shard's
 * 30-second signature window.
 *
 * <p>Usage: {@code java -cp benchmarks/target/benchmarks.jar dev.bookmarks.benchmarks.ShardThroughput
 * [warm-up seconds, default 120] [seconds per measured run, default 20]}. Needs {@code wrk} and a
 * built {@code bookmark-service/target/bookmark-service-*.jar}.
 */
public final class ShardThroughput {

    static final String SECRET = "benchmark-internal-secret-32-bytes-long";
    static final String SHARD_ID = "bench-1";
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
            Ring ring = Ring.create(Ring.DEFAULT_SLOT_COUNT, List.of(Shard.active(SHARD_ID, "http://127.0.0.1:1", 1)));
            LoadRig.writeRing(redis, ring);
            int port = LoadRig.freePort();
            Process shard = startShard(port, LoadRig.freePort(), data, redis.url(), SECRET, List.of());
            try {
                SignedShard target = new SignedShard(port, new RequestSigner(InternalSecret.parse(SECRET),
                        Clock.systemUTC()), ring.epoch(), data);
                target.seed(1000);
                System.err.printf("Warming up for %d s (list and create alternately)%n", warmUpSeconds);
                for (int left = warmUpSeconds; left > 0; left -= 2 * Math.min(left, 20)) {
                    target.list(Math.min(left, 20));
                    target.create(Math.min(left, 20));
                }
                Figures list = target.list(runSeconds);
                Figures created = target.create(runSeconds);
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

    /** Starts the shard jar as {@value #SHARD_ID} and waits until it is ready. */
    static Process startShard(int port, int managementPort, Path data, String redisUrl, String secret,
            List<String> jvmOptions) throws Exception {
        Path log = data.resolve("shard.log");
        Process process = LoadRig.startJar("bookmark-service", jvmOptions, List.of("--server.port=" + port,
                "--management.server.port=" + managementPort, "--bookmarks.shard.id=" + SHARD_ID,
                "--bookmarks.shard.url=http://127.0.0.1:" + port, "--bookmarks.shard.data-dir=" + data.resolve("shard"),
                "--bookmarks.shard.trust.secrets[0]=" + secret, "--spring.data.redis.url=" + redisUrl,
                "--" + TestRingKeys.TRUSTED_KEYS_PROPERTY,
                "--logging.level.root=WARN"), log);
        LoadRig.awaitReady(process, URI.create("http://127.0.0.1:" + managementPort + "/actuator/health/readiness"), log);
        return process;
    }

    /**
     * The shard addressed directly, as a gateway would: every request wrk sends carries headers of its own,
     * signed just before the run starts (a shard accepts each signature once). Enough are signed for
     * {@value #SIGNED_PER_SECOND} requests a second; a faster shard runs out and the run fails as non-2xx.
     * The signatures of one run are spent within its seconds, so the shard's replay memory (1,000,000
     * nonces by default, the older half forgotten when full) never forgets one of a run still going below
     * about 20,000 requests a second.
     */
    record SignedShard(int port, RequestSigner signer, long epoch, Path dir) {

        static final int SIGNED_PER_SECOND = 40_000;
        private static final HttpClient HTTP = HttpClient.newHttpClient();

        Figures list(int seconds) throws Exception {
            URI uri = URI.create("http://127.0.0.1:" + port + LIST_PATH);
            Map<String, String> fixed = signer.sign("GET", uri.getRawPath(), uri.getRawQuery(), List.of(),
                    BodyDigest.EMPTY, "reader", SHARD_ID, epoch);
            LoadRig.presign(dir, "list", perThread(seconds), () -> signer.sign("GET", uri.getRawPath(),
                    uri.getRawQuery(), List.of(), BodyDigest.EMPTY, "reader", SHARD_ID, epoch));
            return LoadRig.wrk(uri, seconds, identity(fixed), LoadRig.signedScript(dir, "list", "GET", false));
        }

        Figures create(int seconds) throws Exception {
            URI uri = URI.create("http://127.0.0.1:" + port + CREATE_PATH);
            BodyDigest body = BodyDigest.of(LoadRig.CREATE_BODY.getBytes(StandardCharsets.UTF_8));
            Map<String, String> fixed = signer.sign("POST", uri.getRawPath(), null, List.of(), body, "writer", SHARD_ID,
                    epoch);
            LoadRig.presign(dir, "create", perThread(seconds),
                    () -> signer.sign("POST", uri.getRawPath(), null, List.of(), body, "writer", SHARD_ID, epoch));
            return LoadRig.wrk(uri, seconds, identity(fixed), LoadRig.signedScript(dir, "create", "POST", true));
        }

        void seed(int count) throws Exception {
            for (int i = 0; i < count; i++) {
                URI uri = URI.create("http://127.0.0.1:" + port + "/api/users/reader/bookmarks");
                String json = "{\"url\":\"https://example.com/" + i + "\",\"title\":\"Seed " + i
                        + "\",\"tags\":[\"t" + (i % 10) + "\"],\"notes\":\"\"}";
                HttpRequest.Builder request = HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(json));
                signer.sign("POST", uri.getRawPath(), null, List.of(),
                        BodyDigest.of(json.getBytes(StandardCharsets.UTF_8)), "reader", SHARD_ID, epoch)
                        .forEach(request::header);
                HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() != 201) {
                    throw new IllegalStateException("seeding failed: " + response.statusCode() + " " + response.body());
                }
            }
        }

        private static int perThread(int seconds) {
            return seconds * SIGNED_PER_SECOND / LoadRig.WRK_THREADS;
        }

        /** The headers that are the same on every request (user, epoch); the script sets the signed rest. */
        private static Map<String, String> identity(Map<String, String> signed) {
            return Map.of(GatewayHeaders.USER, signed.get(GatewayHeaders.USER), GatewayHeaders.EPOCH,
                    signed.get(GatewayHeaders.EPOCH));
        }
    }
}
