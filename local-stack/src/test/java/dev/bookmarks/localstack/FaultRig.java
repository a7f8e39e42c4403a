package dev.bookmarks.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bookmarks.client.BookmarksClient;
import dev.bookmarks.client.Sleeper;
import dev.bookmarks.localstack.FaultLoad.Attempt;
import dev.bookmarks.localstack.FaultLoad.Load;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The rig of {@link FaultIT}: one stack for the whole class, started before the first scenario and stopped after
 * the last, with three gateways on {@link #ADDRESSES} behind the name {@value #HOST}; the clients that drive it,
 * the {@value #USERS} users with their tokens and shards, and the queries of the gateways' and registry's
 * management ports that the scenarios measure with. The load and the read-back are {@link FaultLoad}.
 *
 * <p>State is static because JUnit makes one instance per scenario while the stack outlives them all.
 */
abstract class FaultRig {

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
            JsonNode route = JSON.readTree(adminGet(stack.gateways().get(0).managementUrl() + "/actuator/route/" + user,
                    Duration.ofSeconds(10)));
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

    /** The body of a GET of {@code url} on a management port, as the admin. */
    static String adminGet(String url, Duration timeout) throws IOException, InterruptedException {
        return plain.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", stack.adminAuthorization())
                .timeout(timeout).build(), HttpResponse.BodyHandlers.ofString()).body();
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

    /** Gateway {@code gateway}'s route for {@code user} (shardId, url, epoch); an empty object if it did not answer. */
    static JsonNode route(int gateway, String user) {
        try {
            return JSON.readTree(adminGet(stack.gateways().get(gateway).managementUrl() + "/actuator/route/" + user,
                    Duration.ofSeconds(3)));
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
                text = adminGet(gateway.managementUrl() + "/actuator/prometheus", Duration.ofSeconds(5));
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

    /** Gateway {@code gateway}'s ring health component ("overall <status>" without one, "ERROR ..." if unreachable). */
    static String ringHealth(int gateway) {
        try {
            JsonNode health = JSON.readTree(adminGet(stack.gateways().get(gateway).managementUrl() + "/actuator/health",
                    Duration.ofSeconds(3)));
            JsonNode ring = health.path("components").path("ring");
            return ring.isMissingNode() ? "overall " + health.path("status").asString() : ring.toString();
        } catch (Exception e) {
            return "ERROR " + e;
        }
    }

    // ---- gateways -----------------------------------------------------------------------------------------

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

    /** The state of gateway {@code gateway}'s breaker for {@code shard} ("NONE" if it has none, "ERROR ..." if unreachable). */
    static String breakerState(int gateway, String shard) {
        try {
            JsonNode body = JSON.readTree(adminGet(stack.gateways().get(gateway).managementUrl()
                    + "/actuator/circuitbreakers", Duration.ofSeconds(3)));
            JsonNode breaker = body.path("circuitBreakers").path(shard);
            return breaker.isMissingNode() ? "NONE" : breaker.path("state").asString();
        } catch (Exception e) {
            return "ERROR " + e;
        }
    }

    /** Part of the scenarios' timing and their polls' pace; an interrupt fails the scenario. */
    static void sleep(long millis) {
        Readiness.sleep(millis);
    }
}
