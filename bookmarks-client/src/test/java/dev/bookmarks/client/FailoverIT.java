package dev.bookmarks.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Failover across stub gateways on 127.0.0.1..3 (one port), over plain HTTP. */
class FailoverIT {

    private static final List<String> ADDRESSES = List.of("127.0.0.1", "127.0.0.2", "127.0.0.3");
    private static final StubGateway.Responder CREATED = (exchange, seen) ->
            StubGateway.json(exchange, 201, StubGateway.bookmarkJson(UUID.randomUUID().toString(), "https://example.com"));

    /**
     * Connect and request timeouts for tests that are not about them: far beyond what a loopback
     * stub takes even on a busy machine. A refused connect or a reset fails at once regardless.
     */
    private static final Duration GENEROUS = Duration.ofSeconds(30);

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final Queue<Duration> sleeps = new ConcurrentLinkedQueue<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    private List<StubGateway> start(Map<String, StubGateway.Responder> responders) throws Exception {
        List<StubGateway> stubs = StubGateway.startAll(new ArrayList<>(responders.keySet()), null, responders);
        toClose.addAll(stubs);
        return stubs;
    }

    private BookmarksClient.Builder client(int port, List<String> addresses, long seed) {
        return BookmarksClient.builder(URI.create("http://gateways.test:" + port))
                .token("tok")
                .resolver(host -> {
                    assertThat(host).isEqualTo("gateways.test");
                    List<InetAddress> all = new ArrayList<>();
                    for (String a : addresses) {
                        all.add(InetAddress.getByName(a));
                    }
                    return all;
                })
                .random(new Random(seed))
                .connectTimeout(GENEROUS)
                .requestTimeout(GENEROUS)
                .sleeper(sleeps::add);
    }

    private static List<StubGateway.Seen> all(List<StubGateway> stubs) {
        return stubs.stream().flatMap(s -> s.seen.stream()).toList();
    }

    @Test
    void failsOverWhenConnectIsRefused() throws Exception {
        List<StubGateway> stubs = start(new java.util.LinkedHashMap<>(Map.of("127.0.0.3", CREATED)));
        int port = stubs.get(0).port();
        // Nothing listens on 127.0.0.1 or 127.0.0.2 at that port: connects there are refused.
        BookmarksClient client = client(port, ADDRESSES, 42).build();
        for (int i = 0; i < 12; i++) {
            assertThat(client.create("alice", BookmarkDraft.of("https://example.com")).url())
                    .isEqualTo("https://example.com");
        }
        assertThat(stubs.get(0).seen).hasSize(12);
        // Some calls picked a dead address first and were retried (a backoff was waited for each retry).
        assertThat(sleeps).isNotEmpty();
        assertThat(sleeps).allSatisfy(d -> assertThat(d).isLessThan(Duration.ofSeconds(2)));
    }

    @Test
    void triesAnAddressWhoseConnectFailedLastUntilItsPauseEnds() throws Exception {
        Map<String, StubGateway.Responder> responders = new java.util.LinkedHashMap<>();
        responders.put("127.0.0.2", CREATED);
        responders.put("127.0.0.3", CREATED);
        List<StubGateway> stubs = start(responders);
        // Nothing listens on 127.0.0.1 at that port.
        SettableClock clock = new SettableClock(Instant.parse("2026-11-27T10:00:00Z"));
        BookmarksClient client = client(stubs.get(0).port(), ADDRESSES, 11).clock(clock)
                .connectFailurePause(Duration.ofSeconds(5)).build();
        for (int i = 0; i < 12; i++) {
            client.create("alice", BookmarkDraft.of("https://example.com/" + i));
        }
        // One refused connect (one wait before the retry), then 127.0.0.1 went last for the other 11 calls.
        assertThat(sleeps).hasSize(1);

        clock.set(clock.instant().plusSeconds(6));
        for (int i = 0; i < 12; i++) {
            client.create("alice", BookmarkDraft.of("https://example.com/again-" + i));
        }
        assertThat(sleeps).as("tried again once its pause had ended, then paused again").hasSize(2);
        assertThat(all(stubs)).hasSize(24);
    }

    @Test
    void withoutAPauseEveryCallThatPicksTheDeadAddressFirstPaysAFailedConnect() throws Exception {
        Map<String, StubGateway.Responder> responders = new java.util.LinkedHashMap<>();
        responders.put("127.0.0.2", CREATED);
        responders.put("127.0.0.3", CREATED);
        List<StubGateway> stubs = start(responders);
        BookmarksClient client = client(stubs.get(0).port(), ADDRESSES, 11).connectFailurePause(Duration.ZERO).build();
        for (int i = 0; i < 12; i++) {
            client.create("alice", BookmarkDraft.of("https://example.com/" + i));
        }
        assertThat(sleeps).hasSizeGreaterThan(1);
        assertThat(all(stubs)).hasSize(12);
    }

    /** A clock the test moves. */
    private static final class SettableClock extends java.time.Clock {
        private volatile Instant now;

        SettableClock(Instant now) {
            this.now = now;
        }

        void set(Instant instant) {
            now = instant;
        }

        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public java.time.Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void failsOverOn503HonouringRetryAfterAndKeepingTheIdempotencyKey() throws Exception {
        Map<String, StubGateway.Responder> responders = new java.util.LinkedHashMap<>();
        responders.put("127.0.0.2", (exchange, seen) -> StubGateway.problem(exchange, 503, "Service Unavailable", "1"));
        responders.put("127.0.0.3", CREATED);
        List<StubGateway> stubs = start(responders);
        BookmarksClient client = client(stubs.get(0).port(), List.of("127.0.0.2", "127.0.0.3"), 7).build();
        for (int i = 0; i < 12; i++) {
            client.create("alice", BookmarkDraft.of("https://example.com"));
        }
        StubGateway dying = stubs.get(0);
        StubGateway healthy = stubs.get(1);
        assertThat(healthy.seen).hasSize(12);
        assertThat(dying.seen).isNotEmpty();
        // Each 503 was followed by exactly one wait of the asked second, then the healthy address.
        assertThat(sleeps).hasSize(dying.seen.size()).containsOnly(Duration.ofSeconds(1));
        Map<String, Long> keys = all(stubs).stream()
                .collect(Collectors.groupingBy(StubGateway.Seen::idempotencyKey, Collectors.counting()));
        assertThat(keys).hasSize(12);
        for (StubGateway.Seen failed : dying.seen) {
            assertThat(keys.get(failed.idempotencyKey())).isEqualTo(2L);
        }
        assertThat(all(stubs)).allSatisfy(s -> {
            assertThat(s.authorization()).isEqualTo("Bearer tok");
            assertThat(UUID.fromString(s.idempotencyKey())).isNotNull();
        });
    }

    @Test
    void everyAttemptOfOnePostCarriesTheSameKeyAndGoesToAnotherAddress() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        StubGateway.Responder flaky = (exchange, seen) -> {
            if (calls.incrementAndGet() % 3 != 0) {
                StubGateway.problem(exchange, 502, "Bad Gateway", null);
            } else {
                CREATED.respond(exchange, seen);
            }
        };
        Map<String, StubGateway.Responder> responders = new java.util.LinkedHashMap<>();
        ADDRESSES.forEach(a -> responders.put(a, flaky));
        List<StubGateway> stubs = start(responders);
        BookmarksClient client = client(stubs.get(0).port(), ADDRESSES, 3).build();

        client.create("alice", BookmarkDraft.of("https://example.com/1"));
        List<StubGateway.Seen> first = all(stubs);
        assertThat(first).hasSize(3);
        assertThat(first).extracting(StubGateway.Seen::idempotencyKey).containsOnly(first.get(0).idempotencyKey());
        assertThat(first).extracting(StubGateway.Seen::address).doesNotHaveDuplicates();
        assertThat(first).extracting(StubGateway.Seen::body).containsOnly(first.get(0).body());

        client.create("alice", BookmarkDraft.of("https://example.com/1"));
        List<StubGateway.Seen> both = all(stubs);
        assertThat(both).hasSize(6);
        assertThat(both).extracting(StubGateway.Seen::idempotencyKey).doesNotContainNull().hasSize(6)
                .containsOnly(first.get(0).idempotencyKey(),
                        both.stream().map(StubGateway.Seen::idempotencyKey)
                                .filter(k -> !k.equals(first.get(0).idempotencyKey())).findFirst().orElseThrow());
    }

    @Test
    void givesUpAfterMaxAttemptsWithTheLastProblem() throws Exception {
        Map<String, StubGateway.Responder> responders = new java.util.LinkedHashMap<>();
        ADDRESSES.forEach(a -> responders.put(a, (exchange, seen) ->
                StubGateway.problem(exchange, 503, "Service Unavailable", "3600")));
        List<StubGateway> stubs = start(responders);
        BookmarksClient client = client(stubs.get(0).port(), ADDRESSES, 1).maxAttempts(4).build();

        assertThatThrownBy(() -> client.list("alice", null, null, null, null))
                .isInstanceOfSatisfying(BookmarksException.class, e -> {
                    assertThat(e.status()).isEqualTo(503);
                    assertThat(e.title()).isEqualTo("Service Unavailable");
                    assertThat(e.detail()).startsWith("from 127.0.0.");
                });
        assertThat(all(stubs)).hasSize(4);
        // Retry-After: 3600 is cut to the 5 s bound; no wait after the last attempt.
        assertThat(sleeps).containsExactly(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(5));
        assertThat(all(stubs)).allSatisfy(s -> assertThat(s.idempotencyKey()).isNull());
    }

    @Test
    void reportsTransportFailureWhenNoAddressAnswers() throws Exception {
        int port = StubGateway.closedPort("127.0.0.2");
        BookmarksClient client = client(port, List.of("127.0.0.2", "127.0.0.3"), 1).maxAttempts(3).build();
        assertThatThrownBy(() -> client.tags("alice"))
                .isInstanceOfSatisfying(BookmarksException.class, e -> {
                    assertThat(e.status()).isZero();
                    assertThat(e.getMessage()).contains("no gateway answered").contains("3 attempt(s)");
                });
        assertThat(sleeps).hasSize(2);
    }

    @Test
    void failsOverWhenTheConnectionIsClosedWithoutAnswer() throws Exception {
        List<StubGateway> stubs = start(new java.util.LinkedHashMap<>(Map.of("127.0.0.3", CREATED)));
        int port = stubs.get(0).port();
        StubGateway.Slammer slammer = new StubGateway.Slammer("127.0.0.2", port);
        toClose.add(slammer);
        BookmarksClient client = client(port, List.of("127.0.0.2", "127.0.0.3"), 5).build();
        for (int i = 0; i < 8; i++) {
            client.create("alice", BookmarkDraft.of("https://example.com"));
        }
        assertThat(stubs.get(0).seen).hasSize(8);
        assertThat(sleeps).isNotEmpty();
    }

    @Test
    void failsOverWhenAGatewayStalls() throws Exception {
        Map<String, StubGateway.Responder> responders = new java.util.LinkedHashMap<>();
        List<StubGateway> holder = new ArrayList<>();
        responders.put("127.0.0.2", (exchange, seen) -> {
            holder.get(0).release.await(60, TimeUnit.SECONDS);
            CREATED.respond(exchange, seen);
        });
        responders.put("127.0.0.3", CREATED);
        List<StubGateway> stubs = start(responders);
        holder.add(stubs.get(0));
        // The timeout that detects the stall is also all the healthy gateway gets to answer: 5 s is
        // far beyond a loopback stub's answer, while each stalled attempt costs the test that long.
        BookmarksClient client = client(stubs.get(0).port(), List.of("127.0.0.2", "127.0.0.3"), 11)
                .requestTimeout(Duration.ofSeconds(5)).build();
        for (int i = 0; i < 4; i++) {
            client.create("alice", BookmarkDraft.of("https://example.com"));
        }
        assertThat(stubs.get(0).seen).as("attempts that stalled").isNotEmpty();
        assertThat(stubs.get(1).seen).hasSize(4);
        // Each stalled attempt was retried with the same key on the other address.
        for (StubGateway.Seen stalled : stubs.get(0).seen) {
            assertThat(stubs.get(1).seen).extracting(StubGateway.Seen::idempotencyKey)
                    .contains(stalled.idempotencyKey());
        }
    }

    @Test
    void retriesAPostWhoseEarlierAttemptIsStillInProgressAfterRetryAfterWithTheSameKey() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        // The shard's answer to a retry that overtook its first attempt: 409 with Retry-After
        // (docs/architecture.md, "Idempotency-Key").
        StubGateway.Responder busyThenDone = (exchange, seen) -> {
            if (calls.incrementAndGet() == 1) {
                StubGateway.problem(exchange, 409, "Request with this Idempotency-Key in progress", "1");
            } else {
                CREATED.respond(exchange, seen);
            }
        };
        Map<String, StubGateway.Responder> responders = new java.util.LinkedHashMap<>();
        ADDRESSES.forEach(a -> responders.put(a, busyThenDone));
        List<StubGateway> stubs = start(responders);
        BookmarksClient client = client(stubs.get(0).port(), ADDRESSES, 5).build();

        client.create("alice", BookmarkDraft.of("https://example.com/busy"));

        assertThat(all(stubs)).hasSize(2).extracting(StubGateway.Seen::idempotencyKey).doesNotContainNull()
                .containsOnly(all(stubs).get(0).idempotencyKey());
        assertThat(sleeps).containsExactly(Duration.ofSeconds(1));
    }

    @Test
    void doesNotRetryAConflictWithoutRetryAfterNorAConflictOfAGet() throws Exception {
        Map<String, StubGateway.Responder> responders = new java.util.LinkedHashMap<>();
        ADDRESSES.forEach(a -> responders.put(a, (exchange, seen) -> StubGateway.problem(exchange, 409, "Conflict",
                "GET".equals(seen.method()) ? "1" : null)));
        List<StubGateway> stubs = start(responders);
        BookmarksClient client = client(stubs.get(0).port(), ADDRESSES, 9).build();

        assertThatThrownBy(() -> client.create("alice", BookmarkDraft.of("https://example.com/c")))
                .isInstanceOfSatisfying(BookmarksException.class, e -> assertThat(e.status()).isEqualTo(409));
        assertThatThrownBy(() -> client.list("alice", null, null, 1, null))
                .isInstanceOfSatisfying(BookmarksException.class, e -> assertThat(e.status()).isEqualTo(409));
        assertThat(all(stubs)).hasSize(2);
        assertThat(sleeps).isEmpty();
    }

    @Test
    void doesNotRetryAClientErrorAndParsesTheProblem() throws Exception {
        Map<String, StubGateway.Responder> responders = new java.util.LinkedHashMap<>();
        ADDRESSES.forEach(a -> responders.put(a, (exchange, seen) -> StubGateway.problem(exchange, 404, "Not Found", null)));
        List<StubGateway> stubs = start(responders);
        BookmarksClient client = client(stubs.get(0).port(), ADDRESSES, 1).build();
        String id = UUID.randomUUID().toString();
        assertThatThrownBy(() -> client.get("alice", id))
                .isInstanceOfSatisfying(BookmarksException.class, e -> {
                    assertThat(e.status()).isEqualTo(404);
                    assertThat(e.title()).isEqualTo("Not Found");
                });
        assertThat(all(stubs)).singleElement().satisfies(s -> {
            assertThat(s.method()).isEqualTo("GET");
            assertThat(s.path()).isEqualTo("/api/users/alice/bookmarks/" + id);
        });
        assertThat(sleeps).isEmpty();
    }

    @Test
    void sendsTheDocumentedRequests() throws Exception {
        Map<String, StubGateway.Responder> responders = new HashMap<>();
        responders.put("127.0.0.1", (exchange, seen) -> {
            switch (seen.method() + " " + seen.path()) {
                case "GET /api/users/alice/bookmarks" -> StubGateway.json(exchange, 200,
                        "{\"items\":[" + StubGateway.bookmarkJson("b1", "https://a.example") + "],\"nextCursor\":\"c2\"}");
                case "GET /api/users/alice/tags" -> StubGateway.json(exchange, 200, "[{\"tag\":\"a\",\"count\":3}]");
                case "PUT /api/users/alice/bookmarks/b1" -> StubGateway.json(exchange, 200,
                        StubGateway.bookmarkJson("b1", "https://b.example"));
                case "DELETE /api/users/alice/bookmarks/b1" -> StubGateway.send(exchange, 204, "application/json", "");
                default -> StubGateway.problem(exchange, 400, "Bad Request", null);
            }
        });
        List<StubGateway> stubs = StubGateway.startAll(List.of("127.0.0.1"), null, responders);
        toClose.addAll(stubs);
        BookmarksClient client = client(stubs.get(0).port(), List.of("127.0.0.1"), 1).build();

        Page page = client.list("alice", "a b", "x&y", 5, "c1");
        assertThat(page.items()).extracting(Bookmark::id).containsExactly("b1");
        assertThat(page.nextCursor()).isEqualTo("c2");
        assertThat(page.items().get(0).createdAt()).isNotNull();
        assertThat(stubs.get(0).seen.peek().query()).isEqualTo("tag=a+b&q=x%26y&limit=5&cursor=c1");
        assertThat(client.tags("alice")).containsExactly(new TagCount("a", 3));
        assertThat(client.replace("alice", "b1", new BookmarkDraft("https://b.example", "T", List.of("x"), null)).url())
                .isEqualTo("https://b.example");
        client.delete("alice", "b1");
        List<StubGateway.Seen> seen = List.copyOf(stubs.get(0).seen);
        assertThat(seen.get(2).body()).contains("\"url\":\"https://b.example\"").doesNotContain("notes");
        assertThat(seen.get(2).idempotencyKey()).isNull();
        assertThat(seen).extracting(StubGateway.Seen::host).containsOnly("127.0.0.1:" + stubs.get(0).port());
    }
}
