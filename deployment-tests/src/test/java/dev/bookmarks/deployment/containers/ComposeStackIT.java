package dev.bookmarks.deployment.containers;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bookmarks.client.Bookmark;
import dev.bookmarks.client.BookmarkDraft;
import dev.bookmarks.client.BookmarksClient;
import dev.bookmarks.client.BookmarksException;
import dev.bookmarks.client.Page;
import dev.bookmarks.client.Sleeper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * docker-compose.yml run for real in podman ({@link ComposeStack}), driven only through the ports it publishes on
 * 127.0.0.1: the gateways' 8443-8445 and the issuer's 9000. Users sign in at the issuer as the web app does; the
 * Java client knows the three gateway ports and fails over between them. The scenarios run in order on one stack
 * and each leaves it whole; every loop has a bound and the figures are printed. Only in the profile
 * {@code containers}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
// A guard against a hang, not a figure: the whole class takes 4-6 minutes on an idle 2-core machine.
@Timeout(value = 20, unit = TimeUnit.MINUTES)
class ComposeStackIT {

    private static final String PROJECT = "bookmarks-it";
    private static final String ISSUER = "http://127.0.0.1:9000";
    private static final List<String> USERS = List.of("alice", "bob");
    private static final int THREADS = 8;
    /**
     * Calls per second of each load thread: 8 threads, 60 calls/s, 30 per user, under the gateways' per-user limit
     * of 50/s (a retried call spends a token per attempt), which would otherwise answer 429 on a fast machine.
     */
    private static final double CALLS_PER_THREAD_PER_SECOND = 7.5;
    private static final Duration RUN = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();

    static ComposeStack stack;
    static List<String> gateways;
    static List<Integer> gatewayPorts;
    static SSLContext trustingGateways;
    static final Map<String, String> tokens = new ConcurrentHashMap<>();
    static final ThreadLocal<String> currentToken = new ThreadLocal<>();
    /** Every wait of every client before another attempt: the retries the scenarios made. */
    static final AtomicLong retries = new AtomicLong();

    @BeforeAll
    static void startTheStack() throws Exception {
        Path work = dev.bookmarks.deployment.Repository.file("deployment-tests/target/containers");
        java.nio.file.Files.createDirectories(work);
        long begin = System.nanoTime();
        stack = ComposeStack.start(work, PROJECT);
        System.out.printf("[containers] stack up in %.1f s: %s%n", (System.nanoTime() - begin) / 1e9,
                stack.timings());
        gateways = stack.services("gateway-");
        gatewayPorts = gateways.stream().map(g -> stack.publishedPorts(g).get(0)).toList();
        trustingGateways = trusting(stack.gatewayCertificate());
    }

    /** Access tokens live 5 minutes: each scenario signs the users in again. */
    @BeforeEach
    void signTheUsersIn() throws Exception {
        signIn();
    }

    @AfterAll
    static void stopTheStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @Order(1)
    void theWebAppAnswersAtLocalhost8443AndOnEveryGatewaysPortOn127001() throws Exception {
        HttpClient http = HttpClient.newBuilder().sslContext(trustingGateways).connectTimeout(Duration.ofSeconds(5))
                .build();
        assertThat(gatewayPorts).containsExactly(8443, 8444, 8445);
        List<String> pages = new ArrayList<>(List.of("https://localhost:8443/"));
        gatewayPorts.forEach(port -> pages.add("https://127.0.0.1:" + port + "/"));
        for (String url : pages) {
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).as("GET %s", url).isEqualTo(200);
            assertThat(page.headers().firstValue("Content-Type").orElse("")).as(url).startsWith("text/html");
        }
    }

    @Test
    @Order(2)
    void theGatewayAliasAnswersWithEveryGatewaysAddressOnTheEdgeNetwork() {
        Set<String> expected = gateways.stream().map(g -> stack.addressOn(g, "edge")).collect(Collectors.toSet());
        Set<String> answered = stack.resolveInside("issuer", "gateway");
        System.out.printf("[containers] 'gateway' on the edge network: %s (the gateways: %s)%n", answered, expected);
        assertThat(expected).hasSize(3);
        assertThat(answered).isEqualTo(expected);
    }

    @Test
    @Order(3)
    void aBookmarkCreatedThroughOneGatewayIsReadThroughEachOfTheOthers() {
        String user = USERS.get(0);
        currentToken.set(tokens.get(user));
        Bookmark created = clientOf(List.of(gatewayPorts.get(0)), 1).build()
                .create(user, BookmarkDraft.of("https://example.org/compose/" + System.nanoTime()));
        for (int port : gatewayPorts.subList(1, gatewayPorts.size())) {
            Bookmark read = clientOf(List.of(port), 2).build().get(user, created.id());
            assertThat(read.url()).as("read through %d", port).isEqualTo(created.url());
        }
    }

    @Test
    @Order(4)
    void killingAGatewayContainerUnderLoadFailsNoOperationOfTheJavaClientAndLosesNoWrite() throws Exception {
        String victim = gateways.get(1);
        BookmarksClient client = clientOf(gatewayPorts, 4).build();
        Load load = load(client, "kill-gateway", Duration.ofSeconds(7), () -> {
            long at = System.nanoTime();
            boolean exited = stack.kill(victim);
            return String.format("%s killed (SIGKILL, exited %s in %d ms)", victim, exited,
                    (System.nanoTime() - at) / 1_000_000);
        });
        long retried = load.retries;
        Map<String, Integer> readBack = readBack(load);
        long restart = System.nanoTime();
        stack.startAgain(victim);
        System.out.printf("[containers] %s; %s, %d retried attempts; read back: %d not found once; %s healthy again"
                + " in %.1f s%n", load.event, load.summary(), retried, readBack.size(), victim,
                (System.nanoTime() - restart) / 1e9);
        assertThat(load.event).contains("exited true");
        assertThat(load.failures).as("failed operations").isEmpty();
        assertThat(load.ok.get()).isPositive();
        assertThat(readBack).as("acknowledged POSTs found other than once").isEmpty();
    }

    @Test
    @Order(5)
    void killingEveryShardContainerAndStartingItAgainLosesNoAcknowledgedWrite() throws Exception {
        BookmarksClient client = clientOf(gatewayPorts, 5).build();
        Map<String, String> written = new HashMap<>();
        for (int i = 0; i < 40; i++) {
            String user = USERS.get(i % USERS.size());
            currentToken.set(tokens.get(user));
            Bookmark created = client.create(user, BookmarkDraft.of("https://example.org/shard-restart/" + i + "/"
                    + System.nanoTime()));
            written.put(created.url(), user);
        }
        long begin = System.nanoTime();
        List<String> shards = stack.services("shard-");
        for (String shard : shards) {
            assertThat(stack.kill(shard)).as("%s exited", shard).isTrue();
        }
        for (String shard : shards) {
            stack.startAgain(shard);
        }
        double restarted = (System.nanoTime() - begin) / 1e9;
        // The gateways' breakers may still be open for a moment; a patient client waits them out (bounded).
        BookmarksClient patient = clientOf(gatewayPorts, 6).maxAttempts(60)
                .backoff(Duration.ofMillis(200), Duration.ofSeconds(1)).maxRetryAfter(Duration.ofSeconds(2)).build();
        Map<String, Integer> missing = new HashMap<>();
        for (String user : USERS) {
            currentToken.set(tokens.get(user));
            Map<String, Integer> seen = all(patient, user);
            written.forEach((url, owner) -> {
                if (owner.equals(user) && seen.getOrDefault(url, 0) != 1) {
                    missing.put(url, seen.getOrDefault(url, 0));
                }
            });
        }
        System.out.printf("[containers] %d acknowledged writes, then %s killed and started: healthy in %.1f s;"
                + " found other than once: %d%n", written.size(), shards, restarted, missing.size());
        assertThat(missing).isEmpty();
    }

    @Test
    @Order(6)
    void everyJavaServiceLogsOneJsonObjectPerLineWithItsServiceName() throws Exception {
        List<String> javaServices = new ArrayList<>(gateways);
        javaServices.addAll(stack.services("shard-"));
        javaServices.add("registry");
        javaServices.add("issuer");
        for (String service : javaServices) {
            String[] lines = stack.log(service).split("\n");
            int json = 0;
            for (String line : lines) {
                if (line.isBlank() || !line.startsWith("{")) {
                    // The JVM's own notice of JAVA_TOOL_OPTIONS comes before logging starts.
                    assertThat(line).as("%s wrote a line that is not JSON", service)
                            .matches("^(|Picked up JAVA_TOOL_OPTIONS: .*)$");
                    continue;
                }
                // Spring Boot's ECS format nests the dotted names: {"log":{"level":...},"service":{"name":...}}.
                JsonNode event = JSON.readTree(line);
                assertThat(event.path("@timestamp").asText()).as("%s: %s", service, line).isNotBlank();
                assertThat(event.path("log").path("level").asText()).as("%s: %s", service, line).isNotBlank();
                assertThat(event.has("message")).as("%s: %s", service, line).isTrue();
                assertThat(event.path("service").path("name").asText()).as("%s: %s", service, line).isNotBlank();
                json++;
            }
            assertThat(json).as("%s's JSON lines", service).isPositive();
        }
    }

    // ---- load --------------------------------------------------------------------------------------------------

    /** One run of the load: what was acknowledged, what failed, and what the event said. */
    static final class Load {
        final Map<String, String> acknowledged = new ConcurrentHashMap<>();
        final List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        final AtomicLong ok = new AtomicLong();
        final AtomicInteger posts = new AtomicInteger();
        volatile String event = "no event";
        volatile long retries;

        String summary() {
            return String.format("%d operations ok (%d POSTs acknowledged), %d failed", ok.get(), acknowledged.size(),
                    failures.size());
        }
    }

    /**
     * {@value #THREADS} threads for {@link #RUN}, each at {@value #CALLS_PER_THREAD_PER_SECOND} calls/s, each
     * call 80% a list and 20% a POST of a unique URL, users in turn; {@code event} runs once at {@code eventAt}.
     * Bounded by the run's end and each call's attempts.
     */
    static Load load(BookmarksClient client, String name, Duration eventAt,
            java.util.concurrent.Callable<String> event) throws Exception {
        Load load = new Load();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS + 1);
        try {
            long end = System.nanoTime() + RUN.toNanos();
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                workers.add(pool.submit(() -> {
                    Random random = new Random(1000L + thread);
                    long pace = (long) (1e9 / CALLS_PER_THREAD_PER_SECOND);
                    long next = System.nanoTime();
                    for (int i = 0; System.nanoTime() < end; i++) {
                        long wait = next - System.nanoTime();
                        if (wait > 0) {
                            ComposeStack.sleep(wait / 1_000_000);
                        }
                        next += pace;
                        String user = USERS.get((thread + i) % USERS.size());
                        currentToken.set(tokens.get(user));
                        try {
                            if (random.nextInt(5) == 0) {
                                String url = "https://example.org/" + name + "/" + thread + "/" + i;
                                load.posts.incrementAndGet();
                                client.create(user, BookmarkDraft.of(url));
                                load.acknowledged.put(url, user);
                            } else {
                                client.list(user, null, null, 10, null);
                            }
                            load.ok.incrementAndGet();
                        } catch (BookmarksException e) {
                            load.failures.add(user + ": " + e.getMessage());
                        }
                    }
                }));
            }
            Future<String> fired = pool.submit(() -> {
                Thread.sleep(eventAt.toMillis());
                return event.call();
            });
            long retriesBefore = retries.get();
            load.event = fired.get(RUN.toSeconds() + 60, TimeUnit.SECONDS);
            for (Future<?> worker : workers) {
                worker.get(RUN.toSeconds() + 120, TimeUnit.SECONDS);
            }
            load.retries = retries.get() - retriesBefore;
        } finally {
            pool.shutdownNow();
        }
        return load;
    }

    /** The acknowledged URLs of {@code load} that are not there exactly once, with how often they are. */
    static Map<String, Integer> readBack(Load load) {
        BookmarksClient client = clientOf(gatewayPorts, 7).maxAttempts(10).build();
        Map<String, Integer> wrong = new HashMap<>();
        for (String user : USERS) {
            currentToken.set(tokens.get(user));
            Map<String, Integer> seen = all(client, user);
            load.acknowledged.forEach((url, owner) -> {
                if (owner.equals(user) && seen.getOrDefault(url, 0) != 1) {
                    wrong.put(url, seen.getOrDefault(url, 0));
                }
            });
        }
        return wrong;
    }

    /** How often each URL is among {@code user}'s bookmarks, every page read (at most 1000 pages). */
    static Map<String, Integer> all(BookmarksClient client, String user) {
        Map<String, Integer> seen = new HashMap<>();
        String cursor = null;
        for (int page = 0; page < 1000; page++) {
            Page p = client.list(user, null, null, 100, cursor);
            p.items().forEach(b -> seen.merge(b.url(), 1, Integer::sum));
            cursor = p.nextCursor();
            if (cursor == null) {
                return seen;
            }
        }
        throw new IllegalStateException(user + " has more than 1000 pages");
    }

    // ---- clients ------------------------------------------------------------------------------------------------

    /** A client of the gateways on {@code ports} of 127.0.0.1, seeded, with the calling thread's token. */
    static BookmarksClient.Builder clientOf(List<Integer> ports, long seed) {
        return BookmarksClient.builder(URI.create("https://127.0.0.1:" + ports.get(0)))
                .ports(ports.stream().mapToInt(Integer::intValue).toArray())
                .sslContext(trustingGateways)
                .tokenSupplier(currentToken::get)
                .connectTimeout(Duration.ofSeconds(1))
                .requestTimeout(Duration.ofSeconds(10))
                .maxAttempts(4)
                .backoff(Duration.ofMillis(50), Duration.ofMillis(500))
                .maxRetryAfter(Duration.ofSeconds(1))
                .random(new Random(seed))
                .sleeper(wait -> {
                    retries.incrementAndGet();
                    Sleeper.SYSTEM.sleep(wait);
                });
    }

    /** Each user signs in at the issuer with the password generate-env.sh made ({noop} stripped). */
    static void signIn() throws Exception {
        IssuerSignIn issuer = new IssuerSignIn(ISSUER, "https://127.0.0.1:" + gatewayPorts.get(0) + "/");
        for (String user : USERS) {
            String password = stack.env("ISSUER_" + user.toUpperCase() + "_PASSWORD").replaceFirst("^\\{noop}", "");
            tokens.put(user, issuer.accessToken(user, password));
        }
    }

    static SSLContext trusting(Path certificate) throws Exception {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        try (var in = java.nio.file.Files.newInputStream(certificate)) {
            store.setCertificateEntry("gateway", (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(in));
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }
}
