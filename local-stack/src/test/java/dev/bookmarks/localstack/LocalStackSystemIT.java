package dev.bookmarks.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bookmarks.protocol.BodyDigest;
import dev.bookmarks.protocol.InternalSecret;
import dev.bookmarks.protocol.RequestSigner;
import dev.bookmarks.protocol.attack.PathAttacks;
import dev.bookmarks.protocol.attack.RawHttp;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The whole stack as separate processes, started by the launcher's own code on free ports in a temporary
 * data directory: real Redis, the registry, three shards and two gateways. 300 users write 5 bookmarks each
 * through gateway 1 and read them through gateway 2; then where the rows are, how evenly, and what the
 * gateways and shards refuse.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class LocalStackSystemIT {

    private static final int USERS = 300;
    private static final int PER_USER = 5;
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration PHASE_TIMEOUT = Duration.ofSeconds(120);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    static Path data;

    static LocalStack stack;
    static HttpClient gateways;
    static HttpClient plain;
    static ExecutorService pool;
    static final List<String> users = IntStream.range(0, USERS).mapToObj(i -> String.format("user-%03d", i)).toList();
    static final Map<String, String> tokens = new HashMap<>();
    static final Map<String, String> routes = new HashMap<>();
    static final Map<String, Long> routeEpochs = new HashMap<>();

    @BeforeAll
    static void startStackAndWrite() throws Exception {
        long begin = System.nanoTime();
        stack = LocalStack.start(Options.freePorts(Options.findRepoRoot(Path.of("")), data, 3, 2));
        System.out.printf("[LocalStackSystemIT] stack ready in %.1f s (gateways %s)%n", (System.nanoTime() - begin) / 1e9,
                stack.gatewayScheme());
        pool = Executors.newFixedThreadPool(8);
        gateways = stack.gatewayClient().build();
        plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

        List<HttpResponse<String>> issued = all(users.stream().map(user -> (Callable<HttpResponse<String>>) () ->
                send(gateways, post(stack.gatewayUrl(0) + "/auth/dev-token", "{\"userId\":\"" + user + "\"}"))).toList());
        for (int i = 0; i < USERS; i++) {
            assertThat(issued.get(i).statusCode()).as(issued.get(i).body()).isEqualTo(200);
            tokens.put(users.get(i), JSON.readTree(issued.get(i).body()).get("token").asString());
        }

        List<HttpResponse<String>> created = all(users.stream().flatMap(user -> IntStream.range(0, PER_USER).mapToObj(n ->
                (Callable<HttpResponse<String>>) () -> send(gateways, authorized(post(stack.gatewayUrl(0)
                        + "/api/users/" + user + "/bookmarks", "{\"url\":\"" + url(user, n) + "\",\"title\":\"" + user
                        + " " + n + "\",\"tags\":[\"t" + n + "\"]}"), user)
                        .header("Idempotency-Key", user + "-" + n)))).toList());
        assertThat(created).allSatisfy(r -> assertThat(r.statusCode()).as(r.body()).isEqualTo(201));

        String management = stack.gateways().get(0).managementUrl();
        List<HttpResponse<String>> routed = all(users.stream().map(user -> (Callable<HttpResponse<String>>) () ->
                send(plain, HttpRequest.newBuilder(URI.create(management + "/actuator/route/" + user))
                        .header("Authorization", stack.adminAuthorization()).timeout(REQUEST_TIMEOUT))).toList());
        for (int i = 0; i < USERS; i++) {
            JsonNode route = JSON.readTree(routed.get(i).body());
            routes.put(users.get(i), route.get("shardId").asString());
            routeEpochs.put(users.get(i), route.get("epoch").asLong());
        }
    }

    @AfterAll
    static void stopStack() {
        try {
            if (pool != null) {
                pool.shutdownNow();
            }
        } finally {
            if (stack != null) {
                stack.close();
                for (Service service : stack.shards()) {
                    assertThat(service.process().isAlive()).as(service.name()).isFalse();
                }
            }
        }
    }

    @Test
    void everyUserReadsExactlyTheirFiveBookmarksThroughTheOtherGateway() throws Exception {
        List<HttpResponse<String>> lists = all(users.stream().map(user -> (Callable<HttpResponse<String>>) () ->
                send(gateways, authorized(HttpRequest.newBuilder(URI.create(stack.gatewayUrl(1) + "/api/users/" + user
                        + "/bookmarks?limit=50")), user))).toList());
        for (int i = 0; i < USERS; i++) {
            String user = users.get(i);
            assertThat(lists.get(i).statusCode()).as(lists.get(i).body()).isEqualTo(200);
            assertThat(urls(lists.get(i).body())).as(user)
                    .containsExactlyInAnyOrderElementsOf(IntStream.range(0, PER_USER).mapToObj(n -> url(user, n)).toList());
        }
    }

    @Test
    void eachUsersRowsAreOnTheOneShardTheRouteNamesAndTheShardsShareTheUsersEvenly() throws Exception {
        Map<String, Integer> routedUsers = new HashMap<>();
        routes.values().forEach(shard -> routedUsers.merge(shard, 1, Integer::sum));
        long totalUsers = 0;
        List<String> shares = new ArrayList<>();
        for (Service shard : stack.shards()) {
            JsonNode view = shardView(shard, Instant.now());
            long users = view.get("users").asLong();
            totalUsers += users;
            int expected = routedUsers.getOrDefault(shard.name(), 0);
            // Every user of this test routed here, and nobody else (the data directory is new).
            assertThat(users).as(shard.name() + " users").isEqualTo(expected);
            assertThat(view.get("bookmarks").asLong()).as(shard.name() + " bookmarks").isEqualTo((long) expected * PER_USER);
            double share = 100.0 * users / USERS;
            shares.add(String.format("%s %d users (%.1f%%), %d slots", shard.name(), users, share,
                    view.get("slotsOwned").asInt()));
            assertThat(share).as(shard.name() + " share of users").isBetween(33.3 - 7, 33.3 + 7);
        }
        System.out.println("[LocalStackSystemIT] per-shard users: " + String.join("; ", shares));
        assertThat(totalUsers).isEqualTo(USERS);

        // Each user's five rows are on the shard the route names, read there directly with a gateway's
        // signature. With the counts above (the shards' distinct users add up to 300), no user can have
        // rows on a second shard.
        RequestSigner signer = new RequestSigner(InternalSecret.parse(LocalStack.LOCAL_INTERNAL_SECRET), Clock.systemUTC());
        Map<String, Service> byId = new HashMap<>();
        stack.shards().forEach(s -> byId.put(s.name(), s));
        List<HttpResponse<String>> direct = all(users.stream().map(user -> (Callable<HttpResponse<String>>) () -> {
            URI uri = URI.create("http://127.0.0.1:" + byId.get(routes.get(user)).port() + "/api/users/" + user
                    + "/bookmarks?limit=50");
            HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT);
            signer.sign("GET", uri.getRawPath(), uri.getRawQuery(), List.of(), BodyDigest.EMPTY, user, routes.get(user),
                    routeEpochs.get(user)).forEach(request::header);
            return send(plain, request);
        }).toList());
        for (int i = 0; i < USERS; i++) {
            assertThat(direct.get(i).statusCode()).as(direct.get(i).body()).isEqualTo(200);
            assertThat(urls(direct.get(i).body())).hasSize(PER_USER);
        }
    }

    @Test
    void aTokenOnAnotherUsersPathIsRefused403AndReadsAndWritesNothing() throws Exception {
        List<HttpResponse<String>> attempts = all(IntStream.range(0, USERS).mapToObj(i -> (Callable<HttpResponse<String>>) () -> {
            String holder = users.get(i);
            String victim = users.get((i + 1) % USERS);
            int gateway = i % 2;
            String path = stack.gatewayUrl(gateway) + "/api/users/" + victim + "/bookmarks";
            HttpRequest.Builder request = i % 3 == 0
                    ? post(path, "{\"url\":\"https://evil.example/" + i + "\"}")
                    : HttpRequest.newBuilder(URI.create(path)).timeout(REQUEST_TIMEOUT);
            return send(gateways, authorized(request, holder));
        }).toList());
        for (int i = 0; i < USERS; i++) {
            HttpResponse<String> attempt = attempts.get(i);
            assertThat(attempt.statusCode()).as(attempt.body()).isEqualTo(403);
            assertThat(attempt.body()).doesNotContain("https://bookmarks.example/").doesNotContain("evil.example");
        }
        long bookmarks = 0;
        for (Service shard : stack.shards()) {
            bookmarks += shardView(shard, Instant.now()).get("bookmarks").asLong();
        }
        assertThat(bookmarks).isEqualTo((long) USERS * PER_USER);
    }

    @Test
    void theManagementPortsAnswerProbesToAnyoneAndTheirOtherEndpointsToTheAdminOnly() throws Exception {
        for (Service service : Stream.concat(stack.shards().stream(), stack.gateways().stream()).toList()) {
            String health = service.managementUrl() + "/actuator/health/readiness";
            String prometheus = service.managementUrl() + "/actuator/prometheus";

            assertThat(send(plain, HttpRequest.newBuilder(URI.create(health)).timeout(REQUEST_TIMEOUT)).statusCode())
                    .as(health).isEqualTo(200);
            assertThat(send(plain, HttpRequest.newBuilder(URI.create(prometheus)).timeout(REQUEST_TIMEOUT)).statusCode())
                    .as(prometheus).isEqualTo(401);
            assertThat(send(plain, HttpRequest.newBuilder(URI.create(prometheus))
                    .header("Authorization", stack.adminAuthorization()).timeout(REQUEST_TIMEOUT)).body())
                    .as(prometheus).contains("bookmarks_ring_epoch");
        }
    }

    /**
     * The shard's own view, as counted no earlier than {@code after}: the endpoint answers from a count up to
     * {@code bookmarks.shard.counts-max-age} old (1 s under the local profile).
     */
    private static JsonNode shardView(Service shard, Instant after) {
        return await().atMost(PHASE_TIMEOUT).until(() -> JSON.readTree(send(plain, HttpRequest.newBuilder(
                        URI.create(shard.managementUrl() + "/actuator/shard"))
                        .header("Authorization", stack.adminAuthorization()).timeout(REQUEST_TIMEOUT)).body()),
                view -> !Instant.parse(view.get("countedAt").asString()).isBefore(after));
    }

    @Test
    void aShardRefusesARequestWithoutTheGatewaySignature() throws Exception {
        for (Service shard : stack.shards()) {
            String user = routes.entrySet().stream().filter(e -> e.getValue().equals(shard.name())).findFirst()
                    .orElseThrow().getKey();
            HttpResponse<String> unsigned = send(plain, HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + shard.port() + "/api/users/" + user + "/bookmarks")).timeout(REQUEST_TIMEOUT)
                    .header("X-Bookmarks-User", user));
            assertThat(unsigned.statusCode()).as(shard.name() + ": " + unsigned.body()).isEqualTo(401);
            assertThat(unsigned.body()).doesNotContain("https://bookmarks.example/");
        }
    }

    @Test
    void aShardRefusesEveryHostileSpellingOfAUsersPathAndLeaksNothing() {
        for (Service shard : stack.shards()) {
            String user = routes.entrySet().stream().filter(e -> e.getValue().equals(shard.name())).findFirst()
                    .orElseThrow().getKey();
            for (String target : PathAttacks.targeting(user, "mallory")) {
                RawHttp.Answer answer = RawHttp.send(shard.port(), "GET", target, Map.of(), null);
                assertThat(answer.status()).as("%s GET %s", shard.name(), target).isIn(400, 401, 403, 404);
                assertThat(answer.raw()).as("%s GET %s", shard.name(), target).doesNotContain("https://bookmarks.example/");
            }
        }
    }

    /**
     * Every port of the stack listens on a loopback address only (the local profile refuses anything else):
     * read from the kernel's socket tables, as {@code ss -ltn} shows them.
     */
    @Test
    void everyListenerOfTheStackIsOnLoopbackOnly() throws IOException {
        Set<Integer> ports = new HashSet<>();
        for (Service service : stack.services()) {
            ports.add(service.port());
            if (service.managementPort() != 0) {
                ports.add(service.managementPort());
            }
        }
        ports.remove(0);
        List<String> listeners = new ArrayList<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            List<String> lines = Files.readAllLines(Path.of(table));
            for (String line : lines.subList(1, lines.size())) {
                String[] fields = line.trim().split("\\s+");
                String[] local = fields[1].split(":");
                int port = Integer.parseInt(local[1], 16);
                if (fields[3].equals("0A") && ports.contains(port)) { // 0A: LISTEN
                    listeners.add(port + " " + local[0]);
                }
            }
        }

        assertThat(listeners.stream().map(l -> Integer.parseInt(l.split(" ")[0])).distinct())
                .as("ports listening").containsExactlyInAnyOrderElementsOf(ports);
        // /proc shows addresses as little-endian hex words: 127.x.y.z ends in 7F, also IPv4-mapped in tcp6
        // (::ffff:127.x.y.z, a Java server's dual-stack socket); ::1 is the IPv6 loopback.
        assertThat(listeners).as("listening addresses (port, kernel hex address)").allSatisfy(l -> assertThat(
                l.split(" ")[1]).matches("(0000000000000000FFFF0000)?[0-9A-F]{6}7F|00000000000000000000000001000000"));
    }

    @Test
    void theLauncherKeepsItsLogsAndDataInTheDataDirectory() {
        assertThat(data.resolve("logs").resolve("gateway-1.log")).isRegularFile();
        assertThat(data.resolve("redis").resolve("appendonlydir")).satisfiesAnyOf(
                dir -> assertThat(dir).isDirectory(), dir -> assertThat(data.resolve("redis/appendonly.aof")).isRegularFile());
        assertThat(Files.isDirectory(data.resolve("shard-1"))).isTrue();
    }

    private static String url(String user, int n) {
        return "https://bookmarks.example/" + user + "/" + n;
    }

    private static Set<String> urls(String listBody) {
        Set<String> urls = new HashSet<>();
        JSON.readTree(listBody).get("items").forEach(item -> urls.add(item.get("url").asString()));
        return urls;
    }

    private static HttpRequest.Builder post(String url, String json) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(REQUEST_TIMEOUT).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
    }

    private static HttpRequest.Builder authorized(HttpRequest.Builder request, String user) {
        return request.header("Authorization", "Bearer " + tokens.get(user));
    }

    private static HttpResponse<String> send(HttpClient client, HttpRequest.Builder request) throws IOException,
            InterruptedException {
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Runs the calls on the pool, at most 8 at once, and waits at most PHASE_TIMEOUT for all of them. */
    private static <T> List<T> all(List<Callable<T>> calls) throws Exception {
        List<Future<T>> futures = pool.invokeAll(calls, PHASE_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        List<T> results = new ArrayList<>();
        for (Future<T> future : futures) {
            results.add(future.get(1, TimeUnit.SECONDS));
        }
        return results;
    }
}
