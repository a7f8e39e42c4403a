package dev.bookmarks.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bookmarks.client.Bookmark;
import dev.bookmarks.client.BookmarkDraft;
import dev.bookmarks.client.BookmarksClient;
import dev.bookmarks.client.Page;
import dev.bookmarks.client.Sleeper;
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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
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
 * POST (each POST a unique URL), for {@link #RUN} (longer where the fault takes longer); then a full read-back:
 * every acknowledged POST must be there exactly once. Every loop has a deadline; the figures are printed.
 *
 * <p>The scenarios share one stack and run in order, each leaving it whole for the next: 1 kills a gateway
 * (restarted after the read-back), 2 kills a shard and restarts it, 3 stops Redis and then re-points
 * {@value #FLAKY_SHARD}'s ring entry at a proxy ({@link FlakyShardProxy}), through which 4 answers 503 for
 * 10 s, 5 is a rolling restart, 6 loses a POST's answer in a proxy ({@link LossyTlsProxy}).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
// A guard against a hang, not a figure: on an idle machine each scenario takes 20-60 s.
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class FaultIT {

    static final String HOST = "bookmarks.fault.test";
    static final List<String> ADDRESSES = List.of("127.0.0.11", "127.0.0.12", "127.0.0.13");
    /** Scenario 6's name: the lossy proxy on {@value #PROXY_ADDRESS} and gateway-2 on 127.0.0.12. */
    static final String LOSSY_HOST = "bookmarks.lossy.test";
    static final String PROXY_ADDRESS = "127.0.0.14";
    static final String FLAKY_SHARD = "shard-3";
    static final int THREADS = 16;
    static final int USERS = 48;
    static final Duration RUN = Duration.ofSeconds(20);
    static final JsonMapper JSON = JsonMapper.builder()
            .disable(tools.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    @TempDir
    static Path data;

    static LocalStack stack;
    static BookmarksClient client;
    /**
     * For the rolling restart and the read-backs: keeps retrying (Retry-After, backoff up to 1 s) for up to about
     * five minutes, far longer than a restart takes on a slow machine (8-10 s idle, 30-76 s seen on a busy one).
     */
    static BookmarksClient patient;
    static HttpClient direct;
    static HttpClient plain;
    static ExecutorService pool;
    static FlakyShardProxy flaky;
    static final ThreadLocal<String> currentToken = new ThreadLocal<>();
    /** The load and user of this thread's current call, to which the client's retries are counted. */
    static final ThreadLocal<Load> currentLoad = new ThreadLocal<>();
    static final ThreadLocal<String> currentUser = new ThreadLocal<>();
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
                .withGatewayArgs(List.of("--bookmarks.gateway.tls.self-signed-hosts=" + HOST + "," + LOSSY_HOST + ","
                        + String.join(",", ADDRESSES)));
        stack = LocalStack.start(options);
        System.out.printf("[FaultIT] stack ready in %.1f s: gateways %s on %s port %d%n", (System.nanoTime() - begin) / 1e9,
                stack.gatewayScheme(), ADDRESSES, options.gatewayPorts().get(0));
        pool = Executors.newFixedThreadPool(THREADS);
        direct = stack.gatewayClient().build();
        plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        client = clientFor(HOST, 1).maxAttempts(3)
                .backoff(Duration.ofMillis(50), Duration.ofMillis(500))
                .maxRetryAfter(Duration.ofMillis(200)).build();
        patient = clientFor(HOST, 5).maxAttempts(300)
                .backoff(Duration.ofMillis(100), Duration.ofSeconds(1))
                .maxRetryAfter(Duration.ofSeconds(1)).build();
        flaky = FlakyShardProxy.start(options.shardPorts().get(stack.shards().indexOf(stack.shards().stream()
                .filter(s -> s.name().equals(FLAKY_SHARD)).findFirst().orElseThrow())));
        for (String user : users) {
            tokens.put(user, client.devToken(user));
            JsonNode route = JSON.readTree(plain.send(HttpRequest.newBuilder(URI.create(stack.gateways().get(0).managementUrl()
                    + "/actuator/route/" + user)).header("Authorization", stack.adminAuthorization())
                    .timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            shardOf.put(user, route.get("shardId").asString());
        }
        Map<String, Integer> perShard = new java.util.TreeMap<>();
        shardOf.values().forEach(s -> perShard.merge(s, 1, Integer::sum));
        System.out.println("[FaultIT] users per shard: " + perShard);
    }

    /**
     * A client of the gateways by {@code host} (seeded randomness; every retry is counted to the calling thread's
     * load); under TLS it trusts each gateway's own certificate (the client still pins the name).
     */
    static BookmarksClient.Builder clientFor(String host, long seed) {
        BookmarksClient.Builder builder = BookmarksClient.builder(URI.create(stack.gatewayScheme() + "://" + host + ":"
                        + stack.options().gatewayPorts().get(0)))
                .tokenSupplier(currentToken::get)
                .connectTimeout(Duration.ofSeconds(1))
                .requestTimeout(Duration.ofSeconds(10))
                .random(new Random(seed))
                .sleeper(wait -> {
                    Sleeper.SYSTEM.sleep(wait);
                    Load load = currentLoad.get();
                    if (load != null) {
                        load.attempts.add(new Attempt(currentUser.get(), System.nanoTime()));
                    }
                });
        if ("https".equals(stack.gatewayScheme())) {
            builder.sslContext(Tls.trusting(stack.gateways().stream().map(g -> Tls.gatewayCertificate(g.dataDir())).toList()));
        }
        return builder;
    }

    @AfterAll
    static void stopStack() {
        if (pool != null) {
            pool.shutdownNow();
        }
        if (flaky != null) {
            flaky.close();
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
        Load load = run("s1", client, Duration.ofSeconds(7), RUN, () -> {
            killed.set(victim.name() + " pid " + victim.pid() + " exited " + stack.kill(victim));
        });
        ReadBack readBack = readBack(load);
        long restartBegin = System.nanoTime();
        stack.restart(victim.name());
        System.out.printf("[FaultIT] scenario 1 (kill -9 %s at 7 s of %d s): %s; %s; restarted after the read-back,"
                        + " ready in %.1f s%n", killed.get(), RUN.toSeconds(), load.summary(null), readBack,
                (System.nanoTime() - restartBegin) / 1e9);
        assertThat(killed.get()).endsWith("true");
        assertNoFailedOperation(load);
        assertNoneLostOrDuplicated(readBack);
    }

    @Test
    @Order(2)
    void killMinus9OfOneShardFor10sFailsOnlyItsUsersAndAnOpenBreakerAnswers503WithoutContactingTheShard()
            throws Exception {
        int index = 1;
        String deadShard = LocalStack.shardId(index);
        Service victim = stack.shards().get(index);
        int deadPort = victim.port();
        String deadUser = users.stream().filter(u -> shardOf.get(u).equals(deadShard)).findFirst().orElseThrow();
        String liveUser = users.stream().filter(u -> !shardOf.get(u).equals(deadShard)).findFirst().orElseThrow();
        List<Integer> liveGateways = IntStream.range(0, stack.gateways().size())
                .filter(i -> stack.gateways().get(i).process().isAlive()).boxed().toList();
        for (int g : liveGateways) { // warm the probe connections
            assertThat(probe(g, liveUser).status).isEqualTo(200);
        }
        List<String> probeReport = Collections.synchronizedList(new ArrayList<>());
        List<Probe> openProbes = Collections.synchronizedList(new ArrayList<>());
        List<Long> connectionsWhileOpen = Collections.synchronizedList(new ArrayList<>());
        AtomicReference<String> restarted = new AtomicReference<>("not restarted");
        Load load = run("s2", client, Duration.ofSeconds(4), RUN, () -> {
            long killedAt = System.nanoTime();
            boolean exited = stack.kill(victim);
            probeReport.add(victim.name() + " pid " + victim.pid() + " killed (exited " + exited + ")");
            // Opens 0.35-1.3 s after the kill on an idle machine; the bound is for a slow one.
            long openDeadline = killedAt + Duration.ofSeconds(40).toNanos();
            for (int g : liveGateways) {
                String state = "";
                while (System.nanoTime() < openDeadline && !"OPEN".equals(state = breakerState(g, deadShard))) {
                    sleep(50);
                }
                probeReport.add(String.format("gateway-%d breaker %s after %d ms", g + 1, state,
                        (System.nanoTime() - killedAt) / 1_000_000));
            }
            // Every breaker is open: from now until the first of them may let a probe through, nothing may connect
            // to the shard's port. A probe answered with Retry-After n was sent at least n - 1 s before its
            // gateway's breaker can leave OPEN (n is the rest of the wait, rounded up), which bounds the window by
            // the gateways' own clocks rather than by this machine's speed.
            try (CountingListener listener = CountingListener.bind(deadPort)) {
                long windowEnd = Long.MAX_VALUE;
                probing:
                for (int round = 0; round < 5; round++) {
                    for (int g : liveGateways) {
                        long sent = System.nanoTime();
                        if (sent >= windowEnd) {
                            break probing;
                        }
                        Probe p = probe(g, deadUser);
                        openProbes.add(p);
                        if (p.retryAfterSeconds() >= 1) {
                            windowEnd = Math.min(windowEnd, sent + (p.retryAfterSeconds() - 1) * 1_000_000_000L);
                        }
                        sleep(20);
                    }
                }
                long closedAt = Math.min(System.nanoTime(), windowEnd);
                listener.acceptedAt().stream().filter(at -> at < closedAt).forEach(connectionsWhileOpen::add);
                // The witness itself: a connection to the shard's address is counted.
                int before = listener.acceptedAt().size();
                try (java.net.Socket control = new java.net.Socket(InetAddress.getLoopbackAddress(), deadPort)) {
                    await().atMost(Duration.ofSeconds(30))
                            .until(() -> listener.acceptedAt().size() > before);
                }
                probeReport.add(String.format("listener on the dead shard's port %d for %d ms while every breaker was"
                                + " open: %d connections", deadPort, (closedAt - sent0(openProbes, killedAt)) / 1_000_000,
                        connectionsWhileOpen.size()));
            } catch (java.io.IOException e) {
                throw new IllegalStateException("could not listen on the dead shard's port " + deadPort, e);
            }
            long left = killedAt + Duration.ofSeconds(10).toNanos() - System.nanoTime();
            sleep(Math.max(0, left / 1_000_000));
            long restartBegin = System.nanoTime();
            stack.restart(deadShard);
            restarted.set(String.format("restarted at %.1f s after the kill, ready in %.1f s",
                    (restartBegin - killedAt) / 1e9, (System.nanoTime() - restartBegin) / 1e9));
        });
        // The dead shard's users are served again once each gateway's breaker lets probes through (at once when the
        // restarted shard's heartbeat arrives, else after the breaker's 10 s): 0.1-2.1 s on an idle machine.
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        int consecutive = 0;
        long waitBegin = System.nanoTime();
        currentToken.set(tokens.get(deadUser));
        currentLoad.remove();
        while (System.nanoTime() < deadline && consecutive < 10) {
            try {
                client.list(deadUser, null, null, 1, null);
                consecutive++;
            } catch (RuntimeException e) {
                consecutive = 0;
                sleep(250);
            }
        }
        long recoveredAfter = (System.nanoTime() - waitBegin) / 1_000_000;
        ReadBack readBack = readBack(load);
        List<Long> millis = openProbes.stream().map(Probe::millis).sorted().toList();
        System.out.printf("[FaultIT] scenario 2 (kill -9 %s at 4 s for 10 s, load %d s): %s; %s; %s; "
                        + "probes while open: %d, statuses %s, Retry-After %s, ms p50 %d p99 %d max %d %s;"
                        + " dead shard's users served again %d ms after the load (10 in a row: %s); %s%n", deadShard,
                RUN.toSeconds(), String.join(", ", probeReport), restarted.get(), load.summary(deadShard),
                millis.size(), new java.util.TreeSet<>(openProbes.stream().map(Probe::status).toList()),
                new java.util.TreeSet<>(openProbes.stream().map(Probe::retryAfterSeconds).toList()), pick(millis, 0.5),
                pick(millis, 0.99), pick(millis, 1.0), millis, recoveredAfter, consecutive >= 10, readBack);
        assertThat(restarted.get()).startsWith("restarted");
        assertThat(probeReport).as("every live gateway's breaker opened").filteredOn(line -> line.startsWith("gateway-"))
                .hasSize(liveGateways.size()).allSatisfy(line -> assertThat(line).contains("breaker OPEN"));
        assertThat(load.failuresOutside(deadShard)).as("failures of other shards' users: %s", load.failureSamples).isZero();
        assertThat(load.opsOutside(deadShard)).isGreaterThan(100);
        assertThat(openProbes).as("probes while every breaker was open").hasSizeGreaterThanOrEqualTo(liveGateways.size())
                .allSatisfy(p -> {
                    assertThat(p.status()).isEqualTo(503);
                    assertThat(p.contentType()).startsWith("application/problem+json");
                    assertThat(p.retryAfterSeconds()).as("Retry-After: the rest of the breaker's wait").isBetween(1L, 10L);
                });
        assertThat(openProbes.stream().map(Probe::gateway).distinct()).as("gateways probed while open")
                .containsExactlyInAnyOrderElementsOf(liveGateways);
        assertThat(connectionsWhileOpen).as("connections to the dead shard's port while every breaker was open").isEmpty();
        assertThat(consecutive).as("dead shard's users served again after the restart").isGreaterThanOrEqualTo(10);
        assertNoneLostOrDuplicated(readBack);
    }

    /** When the first probe of the open window was sent ({@code fallback} if none was). */
    private static long sent0(List<Probe> probes, long fallback) {
        return probes.isEmpty() ? fallback : probes.get(0).sentAt();
    }

    /** The {@code q} quantile of sorted values (nearest rank), -1 when there are none. */
    private static long pick(List<Long> sorted, double q) {
        return sorted.isEmpty() ? -1 : sorted.get((int) Math.max(0, Math.ceil(q * sorted.size()) - 1));
    }

    @Test
    @Order(3)
    void redisStoppedFor30sMidRunFailsNoRequestAndARingChangeAfterItReturnsReachesEveryGateway() throws Exception {
        String flakyUser = users.stream().filter(u -> shardOf.get(u).equals(FLAKY_SHARD)).findFirst().orElseThrow();
        List<String> report = Collections.synchronizedList(new ArrayList<>());
        List<Integer> readinessDuringOutage = Collections.synchronizedList(new ArrayList<>());
        AtomicLong newEpoch = new AtomicLong(-1);
        Map<String, Long> reachedAfterMillis = new ConcurrentHashMap<>();
        Load load = run("s3", client, Duration.ofSeconds(5), Duration.ofSeconds(45), () -> {
            Service redis = stack.redis();
            long stoppedAt = System.nanoTime();
            boolean exited = stack.terminate(redis, Duration.ofSeconds(10));
            report.add("redis pid " + redis.pid() + " stopped (SIGTERM, exited " + exited + ")");
            sleep(15_000);
            for (int g = 0; g < stack.gateways().size(); g++) {
                readinessDuringOutage.add(Readiness.status(plain, stack.gateways().get(g).managementUrl()
                        + "/actuator/health/readiness"));
            }
            report.add("gateway-1's ring health 15 s into the outage: " + ringHealth(0));
            sleep(Math.max(0, (stoppedAt + Duration.ofSeconds(30).toNanos() - System.nanoTime()) / 1_000_000));
            long restartBegin = System.nanoTime();
            stack.restart("redis");
            report.add(String.format("Redis back %.1f s after the stop (its restart took %.1f s)",
                    (System.nanoTime() - stoppedAt) / 1e9, (System.nanoTime() - restartBegin) / 1e9));
            long changeBegin = System.nanoTime();
            newEpoch.set(pointShardAt(FLAKY_SHARD, flaky.url(), Duration.ofSeconds(30)));
            long changed = System.nanoTime();
            report.add(String.format("ring change (%s -> %s) written at epoch %d, %d ms after Redis was back",
                    FLAKY_SHARD, flaky.url(), newEpoch.get(), (changed - changeBegin) / 1_000_000));
            reachedAfterMillis.putAll(awaitRouteOnEveryGateway(flakyUser, flaky.url(), newEpoch.get(), changed));
        });
        ReadBack readBack = readBack(load);
        System.out.printf("[FaultIT] scenario 3 (Redis stopped at 5 s for 30 s): %s; gateways' readiness during the"
                        + " outage %s; the change reached the gateways after (ms) %s; %s; %s%n", String.join("; ", report),
                readinessDuringOutage, new java.util.TreeMap<>(reachedAfterMillis), load.summary(null), readBack);
        assertThat(report.get(0)).endsWith("exited true)");
        assertNoFailedOperation(load);
        assertThat(readinessDuringOutage).as("gateways stay ready on their last ring").hasSize(stack.gateways().size())
                .containsOnly(200);
        assertThat(newEpoch.get()).isPositive();
        assertThat(reachedAfterMillis).as("gateways that route by the changed ring").hasSize(stack.gateways().size())
                .allSatisfy((gateway, millis) -> assertThat(millis).isNotNegative());
        assertNoneLostOrDuplicated(readBack);
    }

    @Test
    @Order(4)
    void oneShardAnswering503For10sDrawsAtMost1Point2GatewayAttemptsPerClientRequest() throws Exception {
        String flakyUser = users.stream().filter(u -> shardOf.get(u).equals(FLAKY_SHARD)).findFirst().orElseThrow();
        // Scenario 3 put the proxy in the ring; on its own, this scenario does so first.
        if (!flaky.url().equals(route(0, flakyUser).path("url").asString())) {
            long epoch = pointShardAt(FLAKY_SHARD, flaky.url(), Duration.ofSeconds(30));
            assertThat(awaitRouteOnEveryGateway(flakyUser, flaky.url(), epoch, System.nanoTime()))
                    .hasSize(stack.gateways().size()).allSatisfy((g, millis) -> assertThat(millis).isNotNegative());
        }
        long[] window = new long[2];
        Map<String, Double> retriesBefore = gatewayRetries();
        long refusedBefore = flaky.refused();
        Load load = run("s4", client, Duration.ofSeconds(5), RUN, () -> {
            window[0] = System.nanoTime();
            flaky.unavailable();
            sleep(10_000);
            flaky.passThrough();
            window[1] = System.nanoTime();
        });
        long gatewayAttempts = flaky.refused() - refusedBefore;
        Map<String, Double> retries = new java.util.TreeMap<>(gatewayRetries());
        retries.replaceAll((tags, count) -> count - retriesBefore.getOrDefault(tags, 0.0));
        retries.values().removeIf(count -> count == 0);
        long clientRequests = load.attempts.stream().filter(a -> shardOf.get(a.user()).equals(FLAKY_SHARD)
                && a.nanoTime() >= window[0] && a.nanoTime() <= window[1]).count();
        ReadBack readBack = readBack(load);
        System.out.printf("[FaultIT] scenario 4 (%s answers 503 for 10 s from 5 s): client requests for its users in"
                        + " those 10 s %d, gateway -> shard attempts %d (%.2f per client request); the gateways' retry"
                        + " decisions in the run %s; %s; %s%n", FLAKY_SHARD, clientRequests, gatewayAttempts,
                gatewayAttempts / (double) Math.max(1, clientRequests), retries, load.summary(FLAKY_SHARD), readBack);
        assertThat(clientRequests).as("client requests for %s's users while it answered 503", FLAKY_SHARD)
                .isGreaterThan(50);
        assertThat(gatewayAttempts).as("the shard was asked").isPositive();
        assertThat((double) gatewayAttempts).as("gateway -> shard attempts while it answered 503")
                .isLessThanOrEqualTo(1.2 * clientRequests);
        assertThat(load.failuresOutside(FLAKY_SHARD)).as("failures of other shards' users: %s", load.failureSamples)
                .isZero();
        assertNoneLostOrDuplicated(readBack);
    }

    @Test
    @Order(5)
    void aRollingRestartOfOneGatewayAndOneShardBySigtermFailsNoClientOperation() throws Exception {
        List<String> report = Collections.synchronizedList(new ArrayList<>());
        Load load = run("s5", patient, Duration.ofSeconds(4), RUN, () -> {
            for (Service victim : List.of(stack.gateways().get(2), stack.shards().get(0))) {
                long begin = System.nanoTime();
                boolean exited = stack.terminate(victim, Duration.ofSeconds(40));
                long stopped = System.nanoTime();
                report.add(String.format("%s pid %d SIGTERM: exited %s in %.1f s", victim.name(), victim.pid(), exited,
                        (stopped - begin) / 1e9));
                if (!exited) {
                    return;
                }
                stack.restart(victim.name());
                report.add(String.format("%s restarted, ready in %.1f s", victim.name(), (System.nanoTime() - stopped) / 1e9));
            }
        });
        ReadBack readBack = readBack(load);
        System.out.printf("[FaultIT] scenario 5 (rolling restart from 4 s, patient client): %s; %s; %s%n",
                String.join("; ", report), load.summary(LocalStack.shardId(0)), readBack);
        assertThat(report).hasSize(4).filteredOn(line -> line.contains("SIGTERM")).allSatisfy(line ->
                assertThat(line).contains("exited true"));
        assertNoFailedOperation(load);
        assertNoneLostOrDuplicated(readBack);
    }

    @Test
    @Order(6)
    void aPostWhoseAnswerIsLostIsRetriedOnAnotherGatewayAndYieldsOneBookmarkAndTheOriginalAnswer() throws Exception {
        assertThat(Arrays.stream(InetAddress.getAllByName(LOSSY_HOST)).map(InetAddress::getHostAddress))
                .as("the hosts file failsafe sets").containsExactlyInAnyOrder(PROXY_ADDRESS, ADDRESSES.get(1));
        int calls = 12;
        String user = users.get(0);
        String prefix = "https://fault.example/s6/";
        Map<String, Bookmark> answered = new java.util.LinkedHashMap<>();
        Map<String, LossyTlsProxy.Withheld> withheld;
        try (LossyTlsProxy proxy = LossyTlsProxy.start(PROXY_ADDRESS, stack.options().gatewayPorts().get(0),
                stack.gateways().get(0).dataDir(), URI.create(stack.gatewayUrl(0)), direct)) {
            BookmarksClient lossy = clientFor(LOSSY_HOST, 6).maxAttempts(3)
                    .backoff(Duration.ofMillis(50), Duration.ofMillis(500)).maxRetryAfter(Duration.ofMillis(200)).build();
            currentToken.set(tokens.get(user));
            currentLoad.remove();
            for (int i = 0; i < calls; i++) {
                String url = prefix + i;
                answered.put(url, lossy.create(user, BookmarkDraft.of(url)));
            }
            withheld = proxy.withheld();
        }
        Map<String, Integer> stored = new java.util.TreeMap<>();
        String cursor = null;
        for (int page = 0; page < 200; page++) {
            Page p = patient.list(user, null, null, 100, cursor);
            p.items().stream().filter(b -> b.url().startsWith(prefix)).forEach(b -> stored.merge(b.url(), 1, Integer::sum));
            if ((cursor = p.nextCursor()) == null) {
                break;
            }
        }
        System.out.printf("[FaultIT] scenario 6 (a proxy on %s resets the connection instead of passing the answer"
                        + " back): %d POSTs, %d answers lost in the proxy and retried on %s, bookmarks stored per URL %s%n",
                PROXY_ADDRESS, calls, withheld.size(), ADDRESSES.get(1), new java.util.TreeSet<>(stored.values()));
        assertThat(withheld).as("answers the proxy withheld (the seeded address order sends about half there)")
                .isNotEmpty();
        for (LossyTlsProxy.Withheld lost : withheld.values()) {
            assertThat(lost.method()).isEqualTo("POST");
            assertThat(lost.status()).as("the answer the client never got: %s", lost.body()).isEqualTo(201);
            Bookmark original = JSON.readValue(lost.body(), Bookmark.class);
            assertThat(answered.get(original.url())).as("the retry's answer is the original one").isEqualTo(original);
        }
        assertThat(stored).as("bookmarks stored per URL").hasSize(calls).containsOnlyKeys(answered.keySet())
                .allSatisfy((url, count) -> assertThat(count).isEqualTo(1));
    }

    /** Not one client operation failed, and there was real load (more than 100 operations). */
    static void assertNoFailedOperation(Load load) {
        assertThat(load.failures).as("failed client operations: %s", load.failureSamples).isEmpty();
        assertThat(load.ops()).isGreaterThan(100);
    }

    static void assertNoneLostOrDuplicated(ReadBack readBack) {
        assertThat(readBack.lost).as("lost acknowledged writes").isEmpty();
        assertThat(readBack.duplicates).as("duplicated writes").isEmpty();
    }

    // ---- ring -------------------------------------------------------------------------------------------

    /**
     * Points {@code shardId}'s ring entry at {@code url} through the registry's admin API, retrying until Redis
     * takes the write or {@code within} ends; returns the new ring's epoch.
     */
    static long pointShardAt(String shardId, String url, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        String last = "not tried";
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> answer = plain.send(HttpRequest.newBuilder(URI.create(stack.registry().managementUrl()
                                + "/actuator/shards/" + shardId)).timeout(Duration.ofSeconds(5))
                        .header("Authorization", stack.adminAuthorization()).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"url\":\"" + url + "\"}")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() == 200) {
                    return JSON.readTree(answer.body()).path("epoch").asLong();
                }
                last = answer.statusCode() + " " + answer.body();
            } catch (Exception e) {
                last = e.toString();
            }
            sleep(250);
        }
        throw new AssertionError("the registry did not take the ring change within " + within + ": " + last);
    }

    /** Per gateway, ms from {@code since} until it routes {@code user} to {@code url} at {@code epoch} or later (-1: not in 30 s). */
    static Map<String, Long> awaitRouteOnEveryGateway(String user, String url, long epoch, long since) {
        Map<String, Long> reached = new java.util.TreeMap<>();
        for (int g = 0; g < stack.gateways().size(); g++) {
            long deadline = since + Duration.ofSeconds(30).toNanos();
            long after = -1;
            while (System.nanoTime() < deadline) {
                JsonNode route = route(g, user);
                if (url.equals(route.path("url").asString()) && route.path("epoch").asLong() >= epoch) {
                    after = (System.nanoTime() - since) / 1_000_000;
                    break;
                }
                sleep(50);
            }
            reached.put(stack.gateways().get(g).name(), after);
        }
        return reached;
    }

    static JsonNode route(int gateway, String user) {
        try {
            return JSON.readTree(plain.send(HttpRequest.newBuilder(URI.create(stack.gateways().get(gateway).managementUrl()
                    + "/actuator/route/" + user)).header("Authorization", stack.adminAuthorization())
                    .timeout(Duration.ofSeconds(3)).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
        } catch (Exception e) {
            return JSON.createObjectNode();
        }
    }

    /** {@code bookmarks_gateway_retries_total} summed over the gateways, by its tags (reason, decision). */
    static Map<String, Double> gatewayRetries() {
        Map<String, Double> sums = new java.util.TreeMap<>();
        for (Service gateway : stack.gateways()) {
            String text;
            try {
                text = plain.send(HttpRequest.newBuilder(URI.create(gateway.managementUrl() + "/actuator/prometheus"))
                        .header("Authorization", stack.adminAuthorization())
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
            } catch (Exception e) {
                continue;
            }
            for (String line : text.split("\n")) {
                if (line.startsWith("bookmarks_gateway_retries_total{")) {
                    int space = line.lastIndexOf(' ');
                    sums.merge(line.substring(line.indexOf('{'), space), Double.parseDouble(line.substring(space + 1)),
                            Double::sum);
                }
            }
        }
        return sums;
    }

    static String ringHealth(int gateway) {
        try {
            JsonNode health = JSON.readTree(plain.send(HttpRequest.newBuilder(URI.create(stack.gateways().get(gateway)
                    .managementUrl() + "/actuator/health")).header("Authorization", stack.adminAuthorization())
                    .timeout(Duration.ofSeconds(3)).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            JsonNode ring = health.path("components").path("ring");
            return ring.isMissingNode() ? "overall " + health.path("status").asString() : ring.toString();
        } catch (Exception e) {
            return "ERROR " + e;
        }
    }

    // ---- load -------------------------------------------------------------------------------------------

    /** One operation's outcome. */
    record Op(String user, boolean post, boolean ok, long micros) {
    }

    /** One HTTP request of the client to a gateway: the first of each call, and each retry. */
    record Attempt(String user, long nanoTime) {
    }

    static final class Load {
        volatile double seconds;
        final ConcurrentLinkedQueue<Op> ops = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<Attempt> attempts = new ConcurrentLinkedQueue<>();
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
            String text = String.format("%.0f s of load: ops %d (%d GET, %d POST, %.0f/s), failed %d, acknowledged POSTs"
                            + " %d, client requests per op %.2f, p50 %s, p99 %s, max %s", seconds, all.size(),
                    all.size() - posts, posts, all.size() / seconds, failed, acked.size(),
                    attempts.size() / (double) Math.max(1, all.size()), pct(all, 0.5), pct(all, 0.99), pct(all, 1.0));
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

    /**
     * Runs the load through {@code via} for at least {@code length} and until the fault is done (at most eight
     * minutes in all, a bound for a stuck fault rather than a figure); {@code fault} runs on its own thread
     * {@code faultAt} into the run.
     */
    static Load run(String scenario, BookmarksClient via, Duration faultAt, Duration length, Runnable fault)
            throws Exception {
        Load load = new Load();
        AtomicBoolean faultDone = new AtomicBoolean();
        long start = System.nanoTime();
        long end = start + length.toNanos();
        long hardEnd = start + Duration.ofMinutes(8).toNanos();
        List<Future<?>> workers = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            workers.add(pool.submit(() -> {
                Random random = new Random(31L * thread + scenario.hashCode());
                long seq = 0;
                currentLoad.set(load);
                try {
                    for (long now = System.nanoTime(); now < hardEnd && (now < end || !faultDone.get());
                            now = System.nanoTime()) {
                        oneOperation(load, via, scenario, thread, seq++, random);
                    }
                } finally {
                    currentLoad.remove();
                }
                return null;
            }));
        }
        ExecutorService chaos = Executors.newSingleThreadExecutor();
        try {
            Future<?> faultFuture = chaos.submit(() -> {
                try {
                    sleep(faultAt.toMillis());
                    fault.run();
                } finally {
                    faultDone.set(true);
                }
                return null;
            });
            for (Future<?> worker : workers) {
                worker.get(10, TimeUnit.MINUTES);
            }
            faultFuture.get(2, TimeUnit.MINUTES);
        } finally {
            chaos.shutdownNow();
        }
        load.seconds = (System.nanoTime() - start) / 1e9;
        return load;
    }

    private static void oneOperation(Load load, BookmarksClient via, String scenario, int thread, long seq, Random random) {
        String user = users.get(random.nextInt(USERS));
        currentToken.set(tokens.get(user));
        currentUser.set(user);
        boolean post = random.nextInt(100) < 20;
        String url = "https://fault.example/" + scenario + "/" + user + "/" + thread + "-" + seq;
        long begin = System.nanoTime();
        load.attempts.add(new Attempt(user, begin));
        boolean ok;
        try {
            if (post) {
                load.attempted.put(url, user);
                Bookmark created = via.create(user, BookmarkDraft.of(url));
                load.acked.put(url, new String[] {user, created.id()});
            } else {
                via.list(user, null, null, 20, null);
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

    /**
     * Lists every user's bookmarks to the end, through the patient client (a breaker that opened in the scenario
     * may still be open for a few seconds); bounded by pages and a deadline.
     */
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
                    Page p = patient.list(user, null, null, 100, cursor);
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
            read.get(6, TimeUnit.MINUTES);
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

    /** One probe's answer: status, Content-Type, Retry-After (-1 if absent or not whole seconds), when and how long. */
    record Probe(int gateway, int status, String contentType, long retryAfterSeconds, long sentAt, long millis) {
    }

    /** One GET of the user's bookmarks straight to gateway {@code index}, no retry. */
    static Probe probe(int index, String user) {
        long begin = System.nanoTime();
        try {
            HttpResponse<Void> answer = direct.send(HttpRequest.newBuilder(URI.create(stack.gatewayUrl(index)
                            + "/api/users/" + user + "/bookmarks?limit=1")).timeout(Duration.ofSeconds(10))
                    .header("Authorization", "Bearer " + tokens.get(user)).build(),
                    HttpResponse.BodyHandlers.discarding());
            long retryAfter = answer.headers().firstValue("Retry-After").filter(v -> v.matches("[0-9]{1,9}"))
                    .map(Long::parseLong).orElse(-1L);
            return new Probe(index, answer.statusCode(), answer.headers().firstValue("Content-Type").orElse(""),
                    retryAfter, begin, (System.nanoTime() - begin) / 1_000_000);
        } catch (Exception e) {
            return new Probe(index, -1, e.toString(), -1, begin, (System.nanoTime() - begin) / 1_000_000);
        }
    }

    static String breakerState(int gateway, String shard) {
        try {
            JsonNode body = JSON.readTree(plain.send(HttpRequest.newBuilder(URI.create(
                    stack.gateways().get(gateway).managementUrl() + "/actuator/circuitbreakers"))
                    .header("Authorization", stack.adminAuthorization())
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
