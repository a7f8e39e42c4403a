package dev.bookmarks.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Failover across stub gateways on several ports of one address (127.0.0.1), as docker-compose publishes its
 * gateways (127.0.0.1:8443..8445), over plain HTTP. The ports are ephemeral, one stub per port.
 */
class MultiPortFailoverIT {

    private static final StubGateway.Responder CREATED = (exchange, seen) -> StubGateway.json(exchange, 201,
            StubGateway.bookmarkJson(UUID.randomUUID().toString(), "https://example.com"));

    /** Far beyond what a loopback stub takes; a refused connect fails at once regardless. */
    private static final Duration GENEROUS = Duration.ofSeconds(30);

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final Queue<Duration> sleeps = new ConcurrentLinkedQueue<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    /** One stub per responder, each on its own ephemeral port of {@code address}. */
    private List<StubGateway> start(String address, StubGateway.Responder... responders) throws Exception {
        List<StubGateway> stubs = new ArrayList<>();
        for (StubGateway.Responder responder : responders) {
            StubGateway stub = StubGateway.start(address, null, responder);
            toClose.add(stub);
            stubs.add(stub);
        }
        return stubs;
    }

    private static int[] ports(List<StubGateway> stubs) {
        return stubs.stream().mapToInt(StubGateway::port).toArray();
    }

    /** A client of {@code gateways.test} (resolved to {@code addresses}) at the first stub's port. */
    private BookmarksClient.Builder client(List<String> addresses, int[] ports, long seed) {
        return BookmarksClient.builder(URI.create("http://gateways.test:" + ports[0]))
                .token("tok")
                .resolver(host -> {
                    assertThat(host).isEqualTo("gateways.test");
                    List<InetAddress> all = new ArrayList<>();
                    for (String a : addresses) {
                        all.add(InetAddress.getByName(a));
                    }
                    return all;
                })
                .ports(ports)
                .random(new Random(seed))
                .connectTimeout(GENEROUS)
                .requestTimeout(GENEROUS)
                .sleeper(sleeps::add);
    }

    /** A closed port other than {@code taken}: two probes may be handed one port, and ports() refuses a repeat. */
    private static int anotherClosedPort(String address, int taken) throws Exception {
        for (int round = 0; round < 5; round++) {
            int port = StubGateway.closedPort(address);
            if (port != taken) {
                return port;
            }
        }
        throw new AssertionError("the OS handed out port " + taken + " five times in a row");
    }

    private static List<StubGateway.Seen> all(List<StubGateway> stubs) {
        return stubs.stream().flatMap(s -> s.seen.stream()).toList();
    }

    @Test
    void spreadsCallsOverEveryPortOfTheHost() throws Exception {
        List<StubGateway> stubs = start("127.0.0.1", CREATED, CREATED, CREATED);
        BookmarksClient client = client(List.of("127.0.0.1"), ports(stubs), 21).build();
        for (int i = 0; i < 30; i++) {
            client.create("alice", BookmarkDraft.of("https://example.com/" + i));
        }
        assertThat(all(stubs)).hasSize(30);
        assertThat(sleeps).as("no retries: every gateway answers").isEmpty();
        for (StubGateway stub : stubs) {
            assertThat(stub.seen).as("calls to port %d", stub.port()).isNotEmpty()
                    .extracting(StubGateway.Seen::host).containsOnly("127.0.0.1:" + stub.port());
        }
    }

    @Test
    void everyAddressAtEveryPortIsAnEndpoint() throws Exception {
        // Two addresses, each with a stub on two ports: four gateways, each must get calls.
        Map<String, StubGateway.Responder> responders = Map.of("127.0.0.2", CREATED, "127.0.0.3", CREATED);
        List<StubGateway> first = StubGateway.startAll(List.of("127.0.0.2", "127.0.0.3"), null, responders);
        toClose.addAll(first);
        // The first stubs hold their port on both addresses, so this picks another one.
        List<StubGateway> second = StubGateway.startAll(List.of("127.0.0.2", "127.0.0.3"), null, responders);
        toClose.addAll(second);
        assertThat(second.get(0).port()).isNotEqualTo(first.get(0).port());
        List<StubGateway> stubs = new ArrayList<>(first);
        stubs.addAll(second);
        BookmarksClient client = client(List.of("127.0.0.2", "127.0.0.3"),
                new int[] {first.get(0).port(), second.get(0).port()}, 5).build();
        for (int i = 0; i < 40; i++) {
            client.list("alice", null, null, null, null);
        }
        assertThat(all(stubs)).hasSize(40);
        for (StubGateway stub : stubs) {
            assertThat(stub.seen).as("calls to %s:%d", stub.address, stub.port()).isNotEmpty();
        }
    }

    @Test
    void withOnePortsListenerClosedEveryCallSucceedsOnAnotherPort() throws Exception {
        List<StubGateway> stubs = start("127.0.0.1", CREATED, CREATED, CREATED);
        int[] ports = ports(stubs);
        StubGateway dead = stubs.get(1);
        dead.close();
        // No pause: every call whose first endpoint is the closed port pays a refused connect and is retried.
        BookmarksClient client = client(List.of("127.0.0.1"), ports, 13).connectFailurePause(Duration.ZERO).build();
        for (int i = 0; i < 24; i++) {
            assertThat(client.create("alice", BookmarkDraft.of("https://example.com/" + i)).url())
                    .isEqualTo("https://example.com");
        }
        List<StubGateway> living = List.of(stubs.get(0), stubs.get(2));
        assertThat(dead.seen).isEmpty();
        assertThat(all(living)).hasSize(24);
        // Each refused connect was retried (one wait) and answered by another port: one request per call.
        assertThat(sleeps).as("retries after a refused connect").hasSizeGreaterThan(1);
        assertThat(all(living)).extracting(StubGateway.Seen::idempotencyKey).doesNotHaveDuplicates();
        for (StubGateway stub : living) {
            assertThat(stub.seen).as("calls to port %d", stub.port()).isNotEmpty();
        }
    }

    @Test
    void pausesOnlyTheEndpointWhoseConnectFailedNotTheSameAddressAtOtherPorts() throws Exception {
        List<StubGateway> stubs = start("127.0.0.1", CREATED, CREATED, CREATED);
        int[] ports = ports(stubs);
        StubGateway dead = stubs.get(0);
        dead.close();
        // A clock that stands still: the pause of 127.0.0.1 at the closed port lasts for the whole test.
        Clock clock = Clock.fixed(Instant.parse("2026-11-27T10:00:00Z"), ZoneOffset.UTC);
        BookmarksClient client = client(List.of("127.0.0.1"), ports, 13).clock(clock)
                .connectFailurePause(Duration.ofSeconds(5)).build();
        for (int i = 0; i < 24; i++) {
            client.create("alice", BookmarkDraft.of("https://example.com/" + i));
        }
        // One refused connect, then only that endpoint went last: both other ports kept their share.
        assertThat(sleeps).hasSize(1);
        assertThat(stubs.get(1).seen).isNotEmpty();
        assertThat(stubs.get(2).seen).isNotEmpty();
        assertThat(all(stubs)).hasSize(24);
    }

    @Test
    void everyAttemptOfOnePostCarriesTheSameKeyAndGoesToAnotherPort() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        // Two 502s, then an answer: the one call's three attempts need three endpoints.
        StubGateway.Responder flaky = (exchange, seen) -> {
            if (calls.incrementAndGet() % 3 != 0) {
                StubGateway.problem(exchange, 502, "Bad Gateway", null);
            } else {
                CREATED.respond(exchange, seen);
            }
        };
        List<StubGateway> stubs = start("127.0.0.1", flaky, flaky, flaky);
        BookmarksClient client = client(List.of("127.0.0.1"), ports(stubs), 3).build();

        client.create("alice", BookmarkDraft.of("https://example.com/1"));

        List<StubGateway.Seen> attempts = all(stubs);
        assertThat(attempts).hasSize(3);
        assertThat(attempts).extracting(StubGateway.Seen::idempotencyKey).doesNotContainNull()
                .containsOnly(attempts.get(0).idempotencyKey());
        assertThat(UUID.fromString(attempts.get(0).idempotencyKey())).isNotNull();
        assertThat(attempts).extracting(StubGateway.Seen::body).containsOnly(attempts.get(0).body());
        // The Host header names the port each attempt went to: three attempts, three ports.
        assertThat(attempts).extracting(StubGateway.Seen::host).doesNotHaveDuplicates()
                .allSatisfy(host -> assertThat(host).startsWith("127.0.0.1:"));
        assertThat(stubs).allSatisfy(stub -> assertThat(stub.seen).hasSize(1));
        assertThat(sleeps).hasSize(2);
    }

    @Test
    void reportsEveryEndpointTriedWithItsPortWhenNoGatewayAnswers() throws Exception {
        int first = StubGateway.closedPort("127.0.0.1");
        int second = anotherClosedPort("127.0.0.1", first);
        BookmarksClient client = client(List.of("127.0.0.1"), new int[] {first, second}, 1).maxAttempts(2).build();
        assertThatThrownBy(() -> client.tags("alice"))
                .isInstanceOfSatisfying(BookmarksException.class, e -> {
                    assertThat(e.status()).isZero();
                    assertThat(e.getMessage()).contains("no gateway answered").contains("2 attempt(s)")
                            .contains("127.0.0.1:" + first).contains("127.0.0.1:" + second);
                });
        assertThat(sleeps).hasSize(1);
    }
}
