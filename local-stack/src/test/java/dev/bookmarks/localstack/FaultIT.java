package dev.bookmarks.localstack;

import static dev.bookmarks.localstack.FaultLoad.readBack;
import static dev.bookmarks.localstack.FaultLoad.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bookmarks.client.Bookmark;
import dev.bookmarks.client.BookmarkDraft;
import dev.bookmarks.client.BookmarksClient;
import dev.bookmarks.client.Page;
import dev.bookmarks.localstack.FaultLoad.Load;
import dev.bookmarks.localstack.FaultLoad.ReadBack;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Fault tests on the real stack (separate processes, real Redis): three gateways on 127.0.0.11, .12 and .13,
 * one port, which the failover client reaches through one name ({@value FaultRig#HOST}, from the hosts file failsafe
 * gives this JVM with {@code -Djdk.net.hosts.file}). Load: {@value FaultRig#THREADS} client threads, 80% GET and 20%
 * POST (each POST a unique URL), for {@link FaultRig#RUN} (longer where the fault takes longer); then a full read-back:
 * every acknowledged POST must be there exactly once. Every loop has a deadline; the figures are printed.
 *
 * <p>The scenarios share one stack and run in order, each leaving it whole for the next: 1 kills a gateway
 * (restarted after the read-back), 2 kills a shard and restarts it, 3 stops Redis and then re-points
 * {@value FaultRig#FLAKY_SHARD}'s ring entry at a proxy ({@link FlakyShardProxy}), through which 4 answers 503 for
 * 10 s, 5 is a rolling restart, 6 loses a POST's answer in a proxy ({@link LossyTlsProxy}).
 *
 * <p>The stack, clients and management queries are the {@link FaultRig}; the load and read-back {@link FaultLoad}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
// A guard against a hang, not a figure: on an idle machine each scenario takes 20-60 s.
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class FaultIT extends FaultRig {

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
            assertThat(probe(g, liveUser).status()).isEqualTo(200);
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
        assertThat(readBack.lost()).as("lost acknowledged writes").isEmpty();
        assertThat(readBack.duplicates()).as("duplicated writes").isEmpty();
    }
}
