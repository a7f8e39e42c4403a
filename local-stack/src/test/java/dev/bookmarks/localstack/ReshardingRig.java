package dev.bookmarks.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bookmarks.client.Bookmark;
import dev.bookmarks.client.BookmarkDraft;
import dev.bookmarks.client.BookmarksClient;
import dev.bookmarks.client.Page;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The rig of {@link ReshardingIT} and {@link ReshardingFaultIT}: one stack per class (four shards, three in the
 * first ring, one gateway), {@value #THREADS} client threads that create, replace, delete and read bookmarks
 * through the gateway with the Java client, each keeping an exact record of what was acknowledged (each bookmark
 * belongs to one thread), and the read-back that lists every user to the end and compares: nothing lost or
 * stale, nothing deleted come back, no URL twice. The registry's admin API drives the reshardings.
 *
 * <p>State is static because the stack outlives JUnit's per-test instances.
 */
abstract class ReshardingRig {

    static final int THREADS = 16;
    static final int USERS = 64;
    static final JsonMapper JSON = JsonMapper.builder()
            .disable(tools.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    @TempDir
    static Path data;

    static LocalStack stack;
    static HttpClient admin;
    static final List<String> users = IntStream.range(0, USERS).mapToObj(i -> String.format("reshard-user-%02d", i))
            .toList();
    static final Map<String, String> tokens = new ConcurrentHashMap<>();
    static final ThreadLocal<String> currentToken = new ThreadLocal<>();

    @BeforeAll
    static void startStack() {
        long begin = System.nanoTime();
        Options options = Options.freePorts(Options.findRepoRoot(Path.of("")), data, 4, 1)
                .withResharding(3, List.of("--bookmarks.shard.migration.orphan-grace=5s",
                        "--bookmarks.shard.migration.orphan-sweep-interval=1s"),
                        List.of("--bookmarks.registry.resharding.tick=100ms"));
        stack = LocalStack.start(options);
        admin = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        System.out.printf("[ReshardingIT] stack ready in %.1f s%n", (System.nanoTime() - begin) / 1e9);
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    /** A load in progress: its record, its threads and the flag that stops them. */
    record Running(Load load, AtomicBoolean stop, ExecutorService pool, List<Future<Model>> workers) {

        /** Stops the threads (each after its operation in flight) and gathers their records. */
        Model finish() throws Exception {
            stop.set(true);
            Map<String, Expected> live = new HashMap<>();
            List<String> deleted = new ArrayList<>();
            try {
                for (Future<Model> worker : workers) {
                    Model model = worker.get(5, TimeUnit.MINUTES);
                    live.putAll(model.live);
                    deleted.addAll(model.deleted);
                }
            } finally {
                pool.shutdownNow();
            }
            return new Model(live, deleted);
        }
    }

    /** Signs every user in (development tokens) and starts {@value #THREADS} threads of load. */
    static Running startLoad(BookmarksClient client) {
        for (String user : users) {
            tokens.computeIfAbsent(user, client::devToken);
        }
        Load load = new Load();
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        List<Future<Model>> workers = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            workers.add(pool.submit(() -> work(thread, client, load, stop)));
        }
        return new Running(load, stop, pool, workers);
    }

    /** What a thread believes: its live bookmarks as last acknowledged, and those it deleted. */
    record Model(Map<String, Expected> live, List<String> deleted) {
    }

    record Expected(String user, String url, String title) {
    }

    /**
     * One thread's bounded loop of creates (35%), replaces (20%), deletes (15%) and reads (30%); it replaces and
     * deletes only bookmarks it created, so its record of them is exact.
     */
    static Model work(int thread, BookmarksClient client, Load load, AtomicBoolean stop) {
        Random random = new Random(1000L + thread);
        Map<String, Expected> live = new HashMap<>();
        List<String> liveIds = new ArrayList<>();
        List<String> deleted = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofMinutes(15).toNanos();
        for (long seq = 0; seq < 1_000_000 && !stop.get() && System.nanoTime() < deadline; seq++) {
            int dice = random.nextInt(100);
            String op = dice < 35 || liveIds.isEmpty() ? "create" : dice < 55 ? "replace" : dice < 70 ? "delete" : "read";
            String id = op.equals("replace") || op.equals("delete") ? liveIds.get(random.nextInt(liveIds.size())) : null;
            String user = id != null ? live.get(id).user() : users.get(random.nextInt(USERS));
            currentToken.set(tokens.get(user));
            long begin = System.nanoTime();
            try {
                switch (op) {
                    case "create" -> {
                        String url = "https://reshard.example/" + thread + "/" + seq;
                        Bookmark created = client.create(user, new BookmarkDraft(url, "t" + seq, List.of("load"), ""));
                        live.put(created.id(), new Expected(user, url, "t" + seq));
                        liveIds.add(created.id());
                    }
                    case "replace" -> {
                        Expected was = live.get(id);
                        client.replace(user, id, new BookmarkDraft(was.url(), "r" + seq, List.of("load"), ""));
                        live.put(id, new Expected(user, was.url(), "r" + seq));
                    }
                    case "delete" -> {
                        client.delete(user, id);
                        liveIds.remove(id);
                        live.remove(id);
                        deleted.add(id);
                    }
                    default -> client.list(user, null, null, 20, null);
                }
                load.record(op + " " + user, begin, System.nanoTime() - begin, null);
            } catch (RuntimeException e) {
                load.record(op + " " + user, begin, System.nanoTime() - begin, e.toString());
                if (id != null) {
                    // Its state is unknown now: out of the record; the failure is counted and fails the test.
                    liveIds.remove(id);
                    live.remove(id);
                }
            }
        }
        return new Model(live, deleted);
    }

    /** The load's operations with their durations, by phase (before, during, after the resharding). */
    static final class Load {
        volatile String phase = "warmup";
        final Map<String, List<Long>> byPhase = new ConcurrentHashMap<>();
        final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<Slow> slowest = new ConcurrentLinkedQueue<>();
        final long start = System.nanoTime();

        /** An operation that took longer than a second: what, when into the run, how long. */
        record Slow(String op, String phase, long atMillis, long millis) {
        }

        void mark(String next) {
            phase = next;
        }

        void record(String op, long begin, long nanos, String failure) {
            if (nanos > 1_000_000_000L) {
                slowest.add(new Slow(op, phase, (begin - start) / 1_000_000, nanos / 1_000_000));
            }
            byPhase.computeIfAbsent(phase, p -> java.util.Collections.synchronizedList(new ArrayList<>())).add(nanos);
            String kind = op.startsWith("read") ? "reads" : "writes";
            byPhase.computeIfAbsent(phase + " " + kind, p -> java.util.Collections.synchronizedList(new ArrayList<>()))
                    .add(nanos);
            if (failure != null) {
                failures.add(op + ": " + failure);
            }
        }

        String summary() {
            StringBuilder text = new StringBuilder("load by phase:");
            for (String phase : List.of("warmup", "before", "resharding", "after", "before reads", "resharding reads",
                    "before writes", "resharding writes")) {
                List<Long> nanos;
                synchronized (byPhase.getOrDefault(phase, List.of())) {
                    nanos = new ArrayList<>(byPhase.getOrDefault(phase, List.of()));
                }
                if (nanos.isEmpty()) {
                    continue;
                }
                nanos.sort(null);
                text.append(String.format(" %s: %d ops, p50 %s, p99 %s, max %s;", phase, nanos.size(), pct(nanos, 0.5),
                        pct(nanos, 0.99), pct(nanos, 1.0)));
            }
            text.append(" failed ").append(failures.size()).append(failures.isEmpty() ? "" : " e.g. " + failures.peek());
            return text.append("; over 1 s: ").append(slowest.stream()
                    .sorted(java.util.Comparator.comparingLong(Slow::millis).reversed()).limit(8).toList()).toString();
        }

        private static String pct(List<Long> sorted, double q) {
            if (sorted.isEmpty()) {
                return "-";
            }
            int at = (int) Math.min(sorted.size() - 1, Math.ceil(q * sorted.size()) - 1);
            return String.format("%.1f ms", sorted.get(Math.max(0, at)) / 1e6);
        }
    }

    record ReadBack(List<String> lost, List<String> stale, List<String> resurrected, List<String> duplicated) {
    }

    /** Lists every user to the end with a patient client and compares with what the threads recorded. */
    static ReadBack readBack(Map<String, Expected> expected, List<String> deleted) {
        BookmarksClient patient = client(300);
        Map<String, Bookmark> found = new HashMap<>();
        Map<String, Integer> urls = new HashMap<>();
        for (String user : users) {
            currentToken.set(tokens.get(user));
            String cursor = null;
            for (int page = 0; page < 10_000; page++) {
                Page listed = patient.list(user, null, null, 100, cursor);
                for (Bookmark b : listed.items()) {
                    found.put(b.id(), b);
                    urls.merge(b.url(), 1, Integer::sum);
                }
                cursor = listed.nextCursor();
                if (cursor == null) {
                    break;
                }
            }
        }
        List<String> lost = new ArrayList<>();
        List<String> stale = new ArrayList<>();
        expected.forEach((id, want) -> {
            Bookmark got = found.get(id);
            if (got == null) {
                lost.add(id + " of " + want.user());
            } else if (!got.title().equals(want.title()) || !got.url().equals(want.url())) {
                stale.add(id + ": " + got.title() + " instead of " + want.title());
            }
        });
        List<String> resurrected = deleted.stream().filter(found::containsKey).toList();
        List<String> duplicated = urls.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey)
                .toList();
        return new ReadBack(lost, stale, resurrected, duplicated);
    }

    static BookmarksClient client(int attempts) {
        BookmarksClient.Builder builder = BookmarksClient.builder(URI.create(stack.gatewayUrl(0)))
                .tokenSupplier(currentToken::get)
                .connectTimeout(Duration.ofSeconds(2))
                .requestTimeout(Duration.ofSeconds(15))
                .random(new Random(7))
                .maxAttempts(attempts)
                .backoff(Duration.ofMillis(50), Duration.ofSeconds(1))
                .maxRetryAfter(Duration.ofSeconds(2));
        if ("https".equals(stack.gatewayScheme())) {
            builder.sslContext(Tls.trusting(stack.gateways().stream().map(g -> Tls.gatewayCertificate(g.dataDir()))
                    .toList()));
        }
        return builder.build();
    }

    /** {@code resilience4j_circuitbreaker_not_permitted_calls_total} of the gateway, over its shards' breakers. */
    static double notPermittedByBreakers() throws Exception {
        String text = admin.send(HttpRequest.newBuilder(URI.create(stack.gateways().get(0).managementUrl()
                        + "/actuator/prometheus")).header("Authorization", stack.adminAuthorization())
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
        double sum = 0;
        boolean seen = false;
        for (String line : text.split("\n")) {
            if (line.startsWith("resilience4j_circuitbreaker_not_permitted_calls_total{")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                seen = true;
            }
        }
        assertThat(seen).as("the gateway exports its breakers' refusals").isTrue();
        return sum;
    }

    static JsonNode reshard(String shard, String body) throws Exception {
        HttpResponse<String> answer = send("POST", "/actuator/migrations/" + shard, body);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        return JSON.readTree(answer.body());
    }

    /** Polls /actuator/migrations until the resharding is no longer running; bounded by {@code within}. */
    static JsonNode awaitDone(Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        JsonNode view = JSON.createObjectNode();
        while (System.nanoTime() < deadline) {
            try {
                view = JSON.readTree(send("GET", "/actuator/migrations", null).body());
            } catch (Exception registryAway) {
                // Restarting, in the fault test: ask again.
                Readiness.sleep(250);
                continue;
            }
            if (!view.path("progress").path("status").asText("RUNNING").equals("RUNNING")) {
                return view;
            }
            Readiness.sleep(250);
        }
        throw new AssertionError("the resharding did not end within " + within + ": " + view);
    }

    static HttpResponse<String> send(String method, String path, String json) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(stack.registry().managementUrl() + path))
                .timeout(Duration.ofSeconds(10)).header("Authorization", stack.adminAuthorization());
        if (json != null) {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return admin.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
