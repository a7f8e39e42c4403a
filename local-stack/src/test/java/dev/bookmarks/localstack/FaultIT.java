package dev.bookmarks.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bookmarks.client.Bookmark;
import dev.bookmarks.client.BookmarkDraft;
import dev.bookmarks.client.BookmarksClient;
import dev.bookmarks.client.Page;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Fault tests on the real stack (separate processes, real Redis): three gateways on 127.0.0.11, .12 and .13,
 * one port, which the failover client reaches through one name ({@value #HOST}, from the hosts file failsafe
 * gives this JVM with {@code -Djdk.net.hosts.file}). Load: {@value #THREADS} client threads, 80% GET and 20%
 * POST (each POST a unique URL), for {@link #RUN}; then a full read-back: every acknowledged POST must be
 * there exactly once. Every loop has a deadline; the figures are printed.
 *
 * <p>The scenarios share one stack and run in order: 1 kills a gateway (it stays dead), 2 kills a shard with
 * two gateways left.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class FaultIT {

    static final String HOST = "bookmarks.fault.test";
    static final List<String> ADDRESSES = List.of("127.0.0.11", "127.0.0.12", "127.0.0.13");
    static final int THREADS = 16;
    static final int USERS = 48;
    static final Duration RUN = Duration.ofSeconds(20);
    static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    static Path data;

    static LocalStack stack;
    static BookmarksClient client;
    static HttpClient direct;
    static HttpClient plain;
    static ExecutorService pool;
    static final ThreadLocal<String> currentToken = new ThreadLocal<>();
    static final List<String> users = IntStream.range(0, USERS).mapToObj(i -> String.format("fault-user-%02d", i)).toList();
    static final Map<String, String> tokens = new ConcurrentHashMap<>();
    static final Map<String, String> shardOf = new HashMap<>();

    @BeforeAll
    static void startStack() throws Exception {
        assertThat(Arrays.stream(InetAddress.getAllByName(HOST)).map(InetAddress::getHostAddress))
                .as("the hosts file failsafe sets").containsExactlyInAnyOrderElementsOf(ADDRESSES);
        long begin = System.nanoTime();
        Options options = Options.freePorts(Options.findRepoRoot(Path.of("")), data, 3, 3)
                .withGatewayAddresses(ADDRESSES)
                .withGatewayArgs(List.of("--bookmarks.gateway.tls.self-signed-hosts=" + HOST + ","
                        + String.join(",", ADDRESSES)));
        stack = LocalStack.start(options);
        System.out.printf("[FaultIT] stack ready in %.1f s: gateways %s on %s port %d%n", (System.nanoTime() - begin) / 1e9,
                stack.gatewayScheme(), ADDRESSES, options.gatewayPorts().get(0));
        pool = Executors.newFixedThreadPool(THREADS);
        direct = stack.gatewayClient().build();
        plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        BookmarksClient.Builder builder = BookmarksClient.builder(URI.create(stack.gatewayScheme() + "://" + HOST + ":"
                        + options.gatewayPorts().get(0)))
                .tokenSupplier(currentToken::get)
                .connectTimeout(Duration.ofSeconds(1))
                .requestTimeout(Duration.ofSeconds(10))
                .maxAttempts(3)
                .backoff(Duration.ofMillis(50), Duration.ofMillis(500))
                .maxRetryAfter(Duration.ofMillis(200));
        if ("https".equals(stack.gatewayScheme())) {
            // Each gateway made its own certificate: trust all three (the client still pins the name).
            builder.sslContext(Tls.trusting(stack.gateways().stream().map(g -> Tls.gatewayCertificate(g.dataDir())).toList()));
        }
        client = builder.build();
        for (String user : users) {
            tokens.put(user, client.devToken(user));
            JsonNode route = JSON.readTree(plain.send(HttpRequest.newBuilder(URI.create(stack.gateways().get(0).managementUrl()
                    + "/actuator/route/" + user)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            shardOf.put(user, route.get("shardId").asString());
        }
        Map<String, Integer> perShard = new java.util.TreeMap<>();
        shardOf.values().forEach(s -> perShard.merge(s, 1, Integer::sum));
        System.out.println("[FaultIT] users per shard: " + perShard);
    }

    @AfterAll
    static void stopStack() {
        if (pool != null) {
            pool.shutdownNow();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @Order(1)
    void killMinus9OfOneOfThreeGatewaysMidRunCostsNoOperationNoDuplicateAndNoWrite() throws Exception {
        Service victim = stack.gateways().get(1);
        AtomicReference<String> killed = new AtomicReference<>();
        Load load = run("s1", Duration.ofSeconds(7), () -> {
            killed.set(victim.name() + " pid " + victim.pid() + " exited " + stack.kill(victim));
        });
        ReadBack readBack = readBack(load);
        System.out.printf("[FaultIT] scenario 1 (kill -9 %s at 7 s of %d s): %s; %s%n", killed.get(), RUN.toSeconds(),
                load.summary(null), readBack);
        assertThat(killed.get()).endsWith("true");
        assertThat(load.failures).as("failed client operations: %s", load.failureSamples).isEmpty();
        assertThat(readBack.lost).as("lost acknowledged writes").isEmpty();
        assertThat(readBack.duplicates).as("duplicated writes").isEmpty();
        assertThat(load.ops()).isGreaterThan(100);
    }

    @Test
    @Order(2)
    void killMinus9OfOneShardFor10sFailsOnlyItsUsersFastAndLosesNoAcknowledgedWrite() throws Exception {
        int index = 1;
        String deadShard = LocalStack.shardId(index);
        Service victim = stack.shards().get(index);
        String deadUser = users.stream().filter(u -> shardOf.get(u).equals(deadShard)).findFirst().orElseThrow();
        String liveUser = users.stream().filter(u -> !shardOf.get(u).equals(deadShard)).findFirst().orElseThrow();
        List<Integer> liveGateways = IntStream.range(0, stack.gateways().size())
                .filter(i -> stack.gateways().get(i).process().isAlive()).boxed().toList();
        for (int g : liveGateways) { // warm the probe connections
            assertThat(probe(g, liveUser).status).isEqualTo(200);
        }
        List<String> probeReport = Collections.synchronizedList(new ArrayList<>());
        List<Long> openProbeMillis = Collections.synchronizedList(new ArrayList<>());
        List<Integer> openProbeStatuses = Collections.synchronizedList(new ArrayList<>());
        AtomicReference<String> restarted = new AtomicReference<>("not restarted");
        Load load = run("s2", Duration.ofSeconds(4), () -> {
            long killedAt = System.nanoTime();
            boolean exited = stack.kill(victim);
            probeReport.add(victim.name() + " pid " + victim.pid() + " killed (exited " + exited + ")");
            for (int g : liveGateways) {
                long deadline = killedAt + Duration.ofSeconds(8).toNanos();
                String state = "";
                while (System.nanoTime() < deadline && !"OPEN".equals(state = breakerState(g, deadShard))) {
                    sleep(50);
                }
                probeReport.add(String.format("gateway-%d breaker %s after %d ms", g + 1, state,
                        (System.nanoTime() - killedAt) / 1_000_000));
                if ("OPEN".equals(state)) {
                    for (int i = 0; i < 10; i++) {
                        Probe p = probe(g, deadUser);
                        openProbeMillis.add(p.millis);
                        openProbeStatuses.add(p.status);
                        sleep(20);
                    }
                }
            }
            long left = killedAt + Duration.ofSeconds(10).toNanos() - System.nanoTime();
            sleep(Math.max(0, left / 1_000_000));
            long restartBegin = System.nanoTime();
            stack.restart(deadShard);
            restarted.set(String.format("restarted at %.1f s after the kill, ready in %.1f s",
                    (restartBegin - killedAt) / 1e9, (System.nanoTime() - restartBegin) / 1e9));
        });
        // The dead shard's users are served again once each gateway's breaker lets probes through (<= 10 s).
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        int consecutive = 0;
        long recoveredAfter = -1;
        long waitBegin = System.nanoTime();
        currentToken.set(tokens.get(deadUser));
        while (System.nanoTime() < deadline && consecutive < 10) {
            try {
                client.list(deadUser, null, null, 1, null);
                consecutive++;
            } catch (RuntimeException e) {
                consecutive = 0;
                sleep(250);
            }
        }
        recoveredAfter = (System.nanoTime() - waitBegin) / 1_000_000;
        ReadBack readBack = readBack(load);
        List<Long> sorted = new ArrayList<>(openProbeMillis);
        Collections.sort(sorted);
        System.out.printf("[FaultIT] scenario 2 (kill -9 %s at 4 s for 10 s, load %d s): %s; %s; %s; "
                        + "503 probes while open: %d, statuses %s, ms %s; dead shard's users served again %d ms after the"
                        + " load (10 in a row: %s); %s%n", deadShard, RUN.toSeconds(), String.join(", ", probeReport),
                restarted.get(), load.summary(deadShard), sorted.size(), new java.util.TreeSet<>(openProbeStatuses), sorted,
                recoveredAfter, consecutive >= 10, readBack);
        assertThat(restarted.get()).startsWith("restarted");
        assertThat(load.failuresOutside(deadShard)).as("failures of other shards' users: %s", load.failureSamples).isZero();
        assertThat(load.opsOutside(deadShard)).isGreaterThan(100);
        assertThat(openProbeStatuses).as("probes while the breaker was open").isNotEmpty().containsOnly(503);
        // 90% rather than all: one GC pause of a gateway on a loaded two-core machine must not fail the run.
        assertThat(sorted.get((int) Math.ceil(sorted.size() * 0.9) - 1)).as("p90 of 503 latency (ms) with the breaker open: %s",
                sorted).isLessThanOrEqualTo(100);
        assertThat(consecutive).as("dead shard's users served again after the restart").isGreaterThanOrEqualTo(10);
        assertThat(readBack.lost).as("lost acknowledged writes").isEmpty();
        assertThat(readBack.duplicates).as("duplicated writes").isEmpty();
    }

    // ---- load -------------------------------------------------------------------------------------------

    /** One operation's outcome. */
    record Op(String user, boolean post, boolean ok, long micros) {
    }

    static final class Load {
        final ConcurrentLinkedQueue<Op> ops = new ConcurrentLinkedQueue<>();
        final Map<String, String[]> acked = new ConcurrentHashMap<>(); // url -> {user, id}
        final Map<String, String> attempted = new ConcurrentHashMap<>(); // url -> user, acknowledged or not
        final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<String> failureSamples = new ConcurrentLinkedQueue<>();

        long ops() {
            return ops.size();
        }

        long opsOutside(String shard) {
            return ops.stream().filter(o -> !shardOf.get(o.user).equals(shard)).count();
        }

        long failuresOutside(String shard) {
            return ops.stream().filter(o -> !o.ok && !shardOf.get(o.user).equals(shard)).count();
        }

        String summary(String deadShard) {
            List<Op> all = new ArrayList<>(ops);
            long posts = all.stream().filter(Op::post).count();
            long failed = all.stream().filter(o -> !o.ok).count();
            String text = String.format("ops %d (%d GET, %d POST, %.0f/s), failed %d, acknowledged POSTs %d, p50 %s, p99 %s,"
                            + " max %s", all.size(), all.size() - posts, posts, all.size() / (double) RUN.toSeconds(), failed,
                    acked.size(), pct(all, 0.5), pct(all, 0.99), pct(all, 1.0));
            if (deadShard != null) {
                List<Op> others = all.stream().filter(o -> !shardOf.get(o.user).equals(deadShard)).toList();
                List<Op> dead = all.stream().filter(o -> shardOf.get(o.user).equals(deadShard)).toList();
                text += String.format("; other shards' users: ops %d, failed %d, p99 %s; %s's users: ops %d, failed %d",
                        others.size(), others.stream().filter(o -> !o.ok).count(), pct(others, 0.99), deadShard,
                        dead.size(), dead.stream().filter(o -> !o.ok).count());
            }
            return text;
        }

        static String pct(List<Op> ops, double q) {
            if (ops.isEmpty()) {
                return "-";
            }
            long[] micros = ops.stream().mapToLong(Op::micros).sorted().toArray();
            int at = (int) Math.min(micros.length - 1, Math.ceil(q * micros.length) - 1);
            return String.format("%.1f ms", micros[Math.max(0, at)] / 1000.0);
        }
    }

    /** Runs the load for RUN; {@code fault} runs on its own thread {@code faultAt} into the run. */
    static Load run(String scenario, Duration faultAt, Runnable fault) throws Exception {
        Load load = new Load();
        long start = System.nanoTime();
        long end = start + RUN.toNanos();
        List<Future<?>> workers = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            workers.add(pool.submit(() -> {
                Random random = new Random(31L * thread + scenario.hashCode());
                long seq = 0;
                while (System.nanoTime() < end) {
                    String user = users.get(random.nextInt(USERS));
                    currentToken.set(tokens.get(user));
                    boolean post = random.nextInt(100) < 20;
                    String url = "https://fault.example/" + scenario + "/" + user + "/" + thread + "-" + seq++;
                    long begin = System.nanoTime();
                    boolean ok;
                    try {
                        if (post) {
                            load.attempted.put(url, user);
                            Bookmark created = client.create(user, BookmarkDraft.of(url));
                            load.acked.put(url, new String[] {user, created.id()});
                        } else {
                            client.list(user, null, null, 20, null);
                        }
                        ok = true;
                    } catch (RuntimeException e) {
                        ok = false;
                        load.failures.add(user);
                        if (load.failureSamples.size() < 5) {
                            load.failureSamples.add((post ? "POST " : "GET ") + user + " (" + shardOf.get(user) + "): " + e);
                        }
                    }
                    load.ops.add(new Op(user, post, ok, (System.nanoTime() - begin) / 1000));
                }
                return null;
            }));
        }
        ExecutorService chaos = Executors.newSingleThreadExecutor();
        Future<?> faultDone;
        try {
            faultDone = chaos.submit(() -> {
                sleep(faultAt.toMillis());
                fault.run();
                return null;
            });
            for (Future<?> worker : workers) {
                worker.get(RUN.toSeconds() + 60, TimeUnit.SECONDS);
            }
            faultDone.get(stack.options().readyTimeout().toSeconds() + 30, TimeUnit.SECONDS);
        } finally {
            chaos.shutdownNow();
        }
        return load;
    }

    // ---- read-back --------------------------------------------------------------------------------------

    record ReadBack(int users, int pages, List<String> lost, List<String> duplicates, int attemptedButUnacknowledgedFound,
            int attemptedButUnacknowledged) {
        @Override
        public String toString() {
            return String.format("read-back of %d users (%d pages): lost acknowledged writes %d, duplicates %d,"
                            + " unacknowledged POSTs that were stored %d of %d", users, pages, lost.size(), duplicates.size(),
                    attemptedButUnacknowledgedFound, attemptedButUnacknowledged);
        }
    }

    /** Lists every user's bookmarks to the end, through the client; bounded by pages and a deadline. */
    static ReadBack readBack(Load load) throws Exception {
        Map<String, Integer> seen = new ConcurrentHashMap<>();
        Map<String, String> idOf = new ConcurrentHashMap<>();
        int[] pages = new int[1];
        List<Future<?>> reads = new ArrayList<>();
        for (String user : users) {
            reads.add(pool.submit(() -> {
                currentToken.set(tokens.get(user));
                String cursor = null;
                for (int page = 0; page < 200; page++) {
                    Page p = client.list(user, null, null, 100, cursor);
                    synchronized (pages) {
                        pages[0]++;
                    }
                    for (Bookmark b : p.items()) {
                        seen.merge(b.url(), 1, Integer::sum);
                        idOf.put(b.url(), b.id());
                    }
                    cursor = p.nextCursor();
                    if (cursor == null) {
                        return null;
                    }
                }
                throw new IllegalStateException("more than 200 pages for " + user);
            }));
        }
        for (Future<?> read : reads) {
            read.get(120, TimeUnit.SECONDS);
        }
        List<String> lost = new ArrayList<>();
        load.acked.forEach((url, userAndId) -> {
            if (!seen.containsKey(url) || !userAndId[1].equals(idOf.get(url))) {
                lost.add(url);
            }
        });
        List<String> duplicates = seen.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList();
        int unacked = 0;
        int unackedFound = 0;
        for (String url : load.attempted.keySet()) {
            if (!load.acked.containsKey(url)) {
                unacked++;
                if (seen.containsKey(url)) {
                    unackedFound++;
                }
            }
        }
        return new ReadBack(USERS, pages[0], lost, duplicates, unackedFound, unacked);
    }

    // ---- probes -----------------------------------------------------------------------------------------

    record Probe(int status, long millis) {
    }

    /** One GET of the user's bookmarks straight to gateway {@code index}, no retry; status and wall time. */
    static Probe probe(int index, String user) {
        long begin = System.nanoTime();
        try {
            int status = direct.send(HttpRequest.newBuilder(URI.create(stack.gatewayUrl(index) + "/api/users/" + user
                            + "/bookmarks?limit=1")).timeout(Duration.ofSeconds(10))
                    .header("Authorization", "Bearer " + tokens.get(user)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
            return new Probe(status, (System.nanoTime() - begin) / 1_000_000);
        } catch (Exception e) {
            return new Probe(-1, (System.nanoTime() - begin) / 1_000_000);
        }
    }

    static String breakerState(int gateway, String shard) {
        try {
            JsonNode body = JSON.readTree(plain.send(HttpRequest.newBuilder(URI.create(
                    stack.gateways().get(gateway).managementUrl() + "/actuator/circuitbreakers"))
                    .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString()).body());
            JsonNode breaker = body.path("circuitBreakers").path(shard);
            return breaker.isMissingNode() ? "NONE" : breaker.path("state").asString();
        } catch (Exception e) {
            return "ERROR " + e;
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
