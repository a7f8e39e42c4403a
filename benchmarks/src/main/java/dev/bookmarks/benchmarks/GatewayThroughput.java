package dev.bookmarks.benchmarks;

import dev.bookmarks.benchmarks.LoadRig.Figures;
import dev.bookmarks.benchmarks.ShardThroughput.SignedShard;
import dev.bookmarks.protocol.InternalSecret;
import dev.bookmarks.protocol.RequestSigner;
import dev.bookmarks.ring.Ring;
import dev.bookmarks.ring.Shard;
import dev.bookmarks.testing.redis.RealRedis;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The same list and create calls measured straight to a shard and through one gateway (HTTPS,
 * JWT, rate limit, signing, routing), in one run after a shared warm-up; then through the gateway
 * again with Reactor Netty's native transport switched off ({@code -Dreactor.netty.native=false}),
 * because of spring-cloud-gateway#4209 (docs/architecture.md, "Stack and versions").
 *
 * <p>Usage: {@code java -cp benchmarks/target/benchmarks.jar dev.bookmarks.benchmarks.GatewayThroughput
 * [warm-up seconds, default 120] [seconds per measured run, default 20]}. Needs {@code wrk} and the
 * built jars of {@code bookmark-service} and {@code gateway}. The rate limit is raised out of the
 * way (it still costs its Redis call per request): wrk sends as one user.
 */
public final class GatewayThroughput {

    private static final String LOCAL_SECRET = "local-development-secret-not-for-production";

    private GatewayThroughput() {
    }

    public static void main(String[] args) throws Exception {
        int warmUpSeconds = args.length > 0 ? Integer.parseInt(args[0]) : 120;
        int runSeconds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        if (runSeconds > 25) {
            throw new IllegalArgumentException("a measured run must fit the 30 s signature window: at most 25 s");
        }
        Path data = Files.createTempDirectory("gateway-throughput-");
        try (RealRedis redis = RealRedis.startProcess()) {
            int shardPort = LoadRig.freePort();
            Ring ring = Ring.create(Ring.DEFAULT_SLOT_COUNT,
                    List.of(Shard.active(ShardThroughput.SHARD_ID, "http://127.0.0.1:" + shardPort, 1)));
            LoadRig.writeRing(redis, ring);
            Process shard = ShardThroughput.startShard(shardPort, LoadRig.freePort(), data, redis.url(), LOCAL_SECRET,
                    List.of());
            try {
                SignedShard direct = new SignedShard(shardPort,
                        new RequestSigner(InternalSecret.parse(LOCAL_SECRET), Clock.systemUTC()), ring.epoch(), data);
                direct.seed(1000);
                Path create = LoadRig.createScript(data);

                Gateway gateway = Gateway.start(data, redis.url(), List.of());
                Figures[] viaNative;
                Figures[] straight;
                try {
                    System.err.printf("Warming up shard and gateway for %d s%n", warmUpSeconds);
                    int slice = Math.max(1, Math.min(15, warmUpSeconds / 4));
                    for (int left = warmUpSeconds; left > 0; left -= 4 * slice) {
                        direct.list(slice);
                        gateway.list(slice);
                        direct.create(slice);
                        gateway.create(slice, create);
                    }
                    straight = new Figures[] {direct.list(runSeconds), direct.create(runSeconds)};
                    viaNative = new Figures[] {gateway.list(runSeconds), gateway.create(runSeconds, create)};
                } finally {
                    gateway.stop();
                }

                Gateway nio = Gateway.start(data, redis.url(), List.of("-Dreactor.netty.native=false"));
                Figures[] viaNio;
                try {
                    System.err.printf("Warming up the gateway without native transport for %d s%n", warmUpSeconds / 2);
                    int slice = Math.max(1, Math.min(15, warmUpSeconds / 4));
                    for (int left = warmUpSeconds / 2; left > 0; left -= 2 * slice) {
                        nio.list(slice);
                        nio.create(slice, create);
                    }
                    viaNio = new Figures[] {nio.list(runSeconds), nio.create(runSeconds, create)};
                } finally {
                    nio.stop();
                }

                System.out.println("| call | path | requests/s | p50 | p99 |");
                System.out.println("|---|---|--:|--:|--:|");
                String[] calls = {"GET " + ShardThroughput.LIST_PATH, "POST " + ShardThroughput.CREATE_PATH};
                for (int i = 0; i < 2; i++) {
                    System.out.println(row(calls[i], "straight to the shard (HTTP, signed)", straight[i]));
                    System.out.println(row(calls[i], "through a gateway (HTTPS, JWT, native transport default)", viaNative[i]));
                    System.out.println(row(calls[i], "through a gateway, -Dreactor.netty.native=false", viaNio[i]));
                }
                System.out.printf("%nwrk -t2 -c16 -d%ds, after %d s of shared warm-up; Redis, shard, gateway and wrk"
                        + " share %d cores.%n", runSeconds, warmUpSeconds, Runtime.getRuntime().availableProcessors());
            } finally {
                LoadRig.stop(shard);
            }
        }
    }

    private static String row(String call, String path, Figures figures) {
        return "| " + call + " | " + path + " | " + figures.requestsPerSecond() + " | " + figures.p50() + " | "
                + figures.p99() + " |";
    }

    /** A gateway process in the local profile, with its development tokens for the two users. */
    private record Gateway(Process process, int port, String readerToken, String writerToken) {

        static Gateway start(Path data, String redisUrl, List<String> jvmOptions) throws Exception {
            int port = LoadRig.freePort();
            int managementPort = LoadRig.freePort();
            Path dir = data.resolve("gateway");
            Path log = data.resolve("gateway-" + port + ".log");
            Process process = LoadRig.startJar("gateway", jvmOptions, List.of("--spring.profiles.active=local",
                    "--server.port=" + port, "--management.server.port=" + managementPort,
                    "--bookmarks.gateway.data-dir=" + dir, "--spring.data.redis.url=" + redisUrl,
                    "--bookmarks.gateway.limits.rate-limit.replenish-rate=1000000",
                    "--bookmarks.gateway.limits.rate-limit.burst-capacity=1000000",
                    // wrk is one client address: the per-address limit would cap the figure itself.
                    "--bookmarks.gateway.limits.connections.per-address-rate=1000000",
                    "--bookmarks.gateway.limits.connections.per-address-burst=1000000",
                    "--logging.level.root=WARN"), log);
            LoadRig.awaitReady(process, URI.create("http://127.0.0.1:" + managementPort + "/actuator/health/readiness"), log);
            HttpClient https = HttpClient.newBuilder().sslContext(trusting(dir.resolve("tls").resolve("gateway.crt"))).build();
            URI base = URI.create("https://127.0.0.1:" + port);
            return new Gateway(process, port, LoadRig.devToken(https, base, "reader"), LoadRig.devToken(https, base, "writer"));
        }

        Figures list(int seconds) throws Exception {
            return LoadRig.wrk(URI.create("https://127.0.0.1:" + port + ShardThroughput.LIST_PATH), seconds,
                    Map.of("Authorization", "Bearer " + readerToken), null);
        }

        Figures create(int seconds, Path script) throws Exception {
            return LoadRig.wrk(URI.create("https://127.0.0.1:" + port + ShardThroughput.CREATE_PATH), seconds,
                    Map.of("Authorization", "Bearer " + writerToken), script);
        }

        void stop() throws InterruptedException {
            LoadRig.stop(process);
        }

        private static SSLContext trusting(Path certificate) throws Exception {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            try (InputStream in = Files.newInputStream(certificate)) {
                trust.setCertificateEntry("gateway", CertificateFactory.getInstance("X.509").generateCertificate(in));
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        }
    }
}
