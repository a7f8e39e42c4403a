package dev.bookmarks.shard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.bookmarks.registry.RingStore;
import dev.bookmarks.registry.RingWatcher;
import dev.bookmarks.ring.Ring;
import dev.bookmarks.ring.Shard;
import dev.bookmarks.signing.attack.PathAttacks;
import dev.bookmarks.signing.attack.RawHttp;
import dev.bookmarks.signing.attack.RawHttp.Answer;
import dev.bookmarks.testing.redis.RealRedisExtension;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A shard's management port, as deployed (no local profile, a bcrypt operator, bound to the address configured):
 * health and its probes answer anyone, with the status only; every other endpoint needs the operator, by every
 * spelling of its path; an address that fails too many logins is held off with 429.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "management.server.port=0",
        "management.server.address=127.0.0.1",
        "bookmarks.shard.id=s-1",
        "bookmarks.shard.url=http://127.0.0.1:9001",
        "bookmarks.shard.trust.secrets[0]=the internal secret of this test, 32+ bytes",
        "bookmarks.management.failed-logins-per-minute=" + ManagementPortIT.FAILED_LOGINS_PER_MINUTE,
        "bookmarks.registry.poll-interval=200ms"})
class ManagementPortIT {

    static final int FAILED_LOGINS_PER_MINUTE = 20;
    private static final List<String> PROTECTED = List.of("/actuator", "/actuator/prometheus", "/actuator/ring",
            "/actuator/route/alice", "/actuator/shard");

    @RegisterExtension
    static final RealRedisExtension redis = new RealRedisExtension();

    @TempDir
    static Path data;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("spring.data.redis.url", () -> redis.get().url());
        registry.add("bookmarks.shard.data-dir", () -> data.toString());
        registry.add("bookmarks.management.users[0].name", () -> TestOperator.NAME);
        registry.add("bookmarks.management.users[0].password", TestOperator::encodedPassword);
    }

    @LocalManagementPort
    int managementPort;

    @Autowired
    RingStore store;

    @Autowired
    RingWatcher watcher;

    @BeforeEach
    void aRingIsLoaded() {
        if (store.readEpoch() == 0) {
            store.compareAndSet(0, Ring.create(1024, List.of(Shard.active("s-1", "http://127.0.0.1:9001", 1))));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> watcher.current().isPresent());
    }

    @Test
    void answersHealthAndItsProbesToAnyoneWithTheStatusOnly() {
        for (String path : List.of("/actuator/health", "/actuator/health/readiness", "/actuator/health/liveness")) {
            Answer answer = get(path, Map.of());

            assertThat(answer.status()).as(path).isEqualTo(200);
            assertThat(answer.raw()).as(path).contains("\"status\":\"UP\"").doesNotContain("components", "epoch", "H2");
        }
    }

    @Test
    void showsTheHealthComponentsToTheOperator() {
        Answer answer = get("/actuator/health", operator());

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.raw()).contains("\"components\"", "\"ring\"", "\"db\"");
    }

    @Test
    void refusesEveryOtherEndpointWithoutACredentialAsProblemJson() {
        for (String path : PROTECTED) {
            Answer answer = get(path, Map.of());

            assertThat(answer.status()).as(path).isEqualTo(401);
            assertThat(answer.raw()).as(path).containsIgnoringCase("WWW-Authenticate: Basic realm=\"management\"")
                    .containsIgnoringCase("Content-Type: application/problem+json")
                    .doesNotContain("bookmarks_ring_epoch", "shardId", "slotsOwned");
        }
    }

    @Test
    void refusesAWrongPasswordAndAnUnknownOperator() throws IOException {
        // From an address of its own: these failures count towards that address's login limit only.
        InetAddress from = InetAddress.getByName("127.0.0.6");
        for (String path : PROTECTED) {
            assertThat(RawHttp.send(from, managementPort, "GET", path, basic(TestOperator.NAME, "not the password"),
                    null).status()).as(path).isEqualTo(401);
            assertThat(RawHttp.send(from, managementPort, "GET", path, basic("nobody", TestOperator.PASSWORD),
                    null).status()).as(path).isEqualTo(401);
        }
    }

    @Test
    void servesEveryEndpointToTheOperator() {
        for (String path : PROTECTED) {
            assertThat(get(path, operator()).status()).as(path).isEqualTo(200);
        }
        assertThat(get("/actuator/shard", operator()).raw()).contains("\"shardId\":\"s-1\"", "\"countedAt\"");
        assertThat(get("/actuator/prometheus", operator()).raw()).contains("bookmarks_ring_epoch");
    }

    @Test
    void refusesEveryOtherSpellingOfAProtectedEndpointWithoutACredential() {
        List<String> targets = new ArrayList<>(PathAttacks.reachingEndpoint("prometheus"));
        targets.addAll(PathAttacks.reachingEndpoint("shard"));
        assertThat(targets).hasSizeGreaterThanOrEqualTo(40);
        for (String target : targets) {
            Answer answer = get(target, Map.of());

            assertThat(answer.status()).as(target).isIn(400, 401, 403, 404);
            assertThat(answer.raw()).as(target).doesNotContain("bookmarks_ring_epoch", "shardId");
        }
    }

    @Test
    void holdsOffAnAddressThatFailedTooManyLoginsWithoutHoldingOffOthers() throws IOException {
        InetAddress guesser = InetAddress.getByName("127.0.0.5");
        for (int i = 0; i < FAILED_LOGINS_PER_MINUTE; i++) {
            assertThat(RawHttp.send(guesser, managementPort, "GET", "/actuator/shard",
                    basic(TestOperator.NAME, "guess " + i), null).status()).isEqualTo(401);
        }

        Answer held = RawHttp.send(guesser, managementPort, "GET", "/actuator/shard", operator(), null);

        assertThat(held.status()).as("even the right password, once the address failed too often").isEqualTo(429);
        assertThat(held.raw()).containsIgnoringCase("Retry-After: ").containsIgnoringCase("application/problem+json");
        assertThat(get("/actuator/shard", operator()).status()).as("another address").isEqualTo(200);
        assertThat(RawHttp.send(guesser, managementPort, "GET", "/actuator/health", Map.of(), null).status())
                .as("probes need no login, so they are not held off").isEqualTo(200);
    }

    @Test
    void listensOnTheConfiguredAddressOnly() {
        assertThatThrownBy(() -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.2", managementPort), 2000);
            }
        }).isInstanceOf(ConnectException.class);
        assertThat(get("/actuator/health", Map.of()).status()).isEqualTo(200);
    }

    private Answer get(String target, Map<String, String> headers) {
        return RawHttp.send(managementPort, "GET", target, headers, null);
    }

    private static Map<String, String> operator() {
        return Map.of("Authorization", TestOperator.authorization());
    }

    private static Map<String, String> basic(String user, String password) {
        return Map.of("Authorization", TestOperator.basic(user, password));
    }
}
