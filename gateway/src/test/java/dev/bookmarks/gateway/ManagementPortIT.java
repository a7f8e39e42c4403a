package dev.bookmarks.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bookmarks.registry.RingStore;
import dev.bookmarks.registry.RingWatcher;
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
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A gateway's management port: health and its probes answer anyone, with the status only; every other endpoint
 * needs an operator of {@code bookmarks.management.users}, by every spelling of its path; an address that fails
 * too many logins is held off with 429; the port listens on the configured address only (the local profile's
 * 127.0.0.1).
 */
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "management.server.port=0",
        "bookmarks.gateway.tls.enabled=false",
        "bookmarks.management.failed-logins-per-minute=" + ManagementPortIT.FAILED_LOGINS_PER_MINUTE,
        "bookmarks.registry.poll-interval=200ms"})
@ActiveProfiles("local")
class ManagementPortIT {

    static final int FAILED_LOGINS_PER_MINUTE = 20;
    private static final String SCRAPER_PASSWORD = "the scraper's password, stored as bcrypt";
    private static final List<String> PROTECTED = List.of("/actuator", "/actuator/prometheus", "/actuator/ring",
            "/actuator/route/alice", "/actuator/circuitbreakers");

    @RegisterExtension
    static final RealRedisExtension redis = new RealRedisExtension();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("spring.data.redis.url", () -> redis.get().url());
        // One property source holds the whole list: Spring binds a list from one source only.
        registry.add("bookmarks.management.users[0].name", () -> GatewayClient.OPERATOR);
        registry.add("bookmarks.management.users[0].password", () -> "{noop}" + GatewayClient.OPERATOR_PASSWORD);
        registry.add("bookmarks.management.users[1].name", () -> "scraper");
        registry.add("bookmarks.management.users[1].password",
                () -> "{bcrypt}" + new BCryptPasswordEncoder(4).encode(SCRAPER_PASSWORD));
    }

    @LocalManagementPort
    int managementPort;

    @Autowired
    RingStore store;

    @Autowired
    RingWatcher watcher;

    /** A ring, so that health is UP and the route endpoint has something to show. */
    @BeforeEach
    void aRingIsLoaded() {
        if (watcher.current().isEmpty()) {
            TestRings.publish(store, watcher, List.of(Shard.active("s-a", "http://127.0.0.1:9", 1)));
        }
    }

    @Test
    void answersHealthAndItsProbesToAnyoneWithTheStatusOnly() {
        for (String path : List.of("/actuator/health", "/actuator/health/readiness", "/actuator/health/liveness")) {
            Answer answer = get(path, Map.of());

            assertThat(answer.status()).as(path).isEqualTo(200);
            assertThat(answer.raw()).as(path).contains("\"status\":\"UP\"").doesNotContain("components", "epoch");
        }
    }

    @Test
    void showsTheHealthComponentsToAnOperator() {
        Answer answer = get("/actuator/health", operator());

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.raw()).contains("\"components\"", "\"ring\"", "\"epoch\"");
    }

    @Test
    void refusesEveryOtherEndpointWithoutACredentialAsProblemJson() {
        for (String path : PROTECTED) {
            Answer answer = get(path, Map.of());

            assertThat(answer.status()).as(path).isEqualTo(401);
            assertThat(answer.raw()).as(path).containsIgnoringCase("WWW-Authenticate: Basic realm=\"management\"")
                    .containsIgnoringCase("Content-Type: application/problem+json")
                    .doesNotContain("bookmarks_ring_epoch", "circuitBreakers", "shardId");
        }
    }

    @Test
    void refusesAWrongPasswordAndAnUnknownOperator() throws IOException {
        // From an address of its own: these failures count towards that address's login limit only.
        InetAddress from = InetAddress.getByName("127.0.0.6");
        for (String path : PROTECTED) {
            assertThat(RawHttp.send(from, managementPort, "GET", path, basic(GatewayClient.OPERATOR, "not the password"),
                    null).status()).as(path).isEqualTo(401);
            assertThat(RawHttp.send(from, managementPort, "GET", path, basic("nobody", GatewayClient.OPERATOR_PASSWORD),
                    null).status()).as(path).isEqualTo(401);
        }
    }

    @Test
    void servesEveryEndpointToAnOperatorWhosePasswordIsStoredPlainUnderTheLocalProfileOrAsBcrypt() {
        for (Map<String, String> credential : List.of(operator(), basic("scraper", SCRAPER_PASSWORD))) {
            for (String path : PROTECTED) {
                assertThat(get(path, credential).status()).as(path).isEqualTo(200);
            }
            assertThat(get("/actuator/prometheus", credential).raw()).contains("bookmarks_ring_epoch");
        }
    }

    @Test
    void refusesEveryOtherSpellingOfAProtectedEndpointWithoutACredential() {
        List<String> targets = new ArrayList<>(PathAttacks.reachingEndpoint("prometheus"));
        targets.addAll(PathAttacks.reachingEndpoint("circuitbreakers"));
        assertThat(targets).hasSizeGreaterThanOrEqualTo(40);
        for (String target : targets) {
            Answer answer = get(target, Map.of());

            assertThat(answer.status()).as(target).isIn(400, 401, 403, 404);
            assertThat(answer.raw()).as(target).doesNotContain("bookmarks_ring_epoch", "circuitBreakers");
        }
    }

    @Test
    void holdsOffAnAddressThatFailedTooManyLoginsWithoutHoldingOffOthers() throws IOException {
        InetAddress guesser = InetAddress.getByName("127.0.0.5");
        for (int i = 0; i < FAILED_LOGINS_PER_MINUTE; i++) {
            assertThat(RawHttp.send(guesser, managementPort, "GET", "/actuator/ring",
                    basic(GatewayClient.OPERATOR, "guess " + i), null).status()).isEqualTo(401);
        }

        Answer held = RawHttp.send(guesser, managementPort, "GET", "/actuator/ring", operator(), null);

        assertThat(held.status()).as("even the right password, once the address failed too often").isEqualTo(429);
        assertThat(held.raw()).containsIgnoringCase("Retry-After: ").containsIgnoringCase("application/problem+json");
        assertThat(get("/actuator/ring", operator()).status()).as("another address").isEqualTo(200);
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
        return basic(GatewayClient.OPERATOR, GatewayClient.OPERATOR_PASSWORD);
    }

    private static Map<String, String> basic(String user, String password) {
        return Map.of("Authorization", "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
    }
}
