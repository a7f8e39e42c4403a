package dev.bookmarks.protocol.attack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bookmarks.protocol.attack.RawHttp.Answer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The checks every management port must pass, sent byte for byte ({@link RawHttp}): health and its probes answer
 * anyone with the status only; the protected endpoints refuse a missing or wrong credential with a problem+json
 * 401 and every other spelling of their path ({@link PathAttacks#reachingEndpoint}); an address that failed too
 * many logins is held off with 429 while others are not; the port listens on 127.0.0.1 only. Failed logins are
 * sent from addresses of their own (127.0.0.5, 127.0.0.6), so they hold off no other check.
 *
 * @param port the management port, on 127.0.0.1
 * @param user an operator's name
 * @param password that operator's password
 * @param secrets text only an authorized answer may contain (a metric name, an endpoint's field)
 */
public record ManagementPortProbe(int port, String user, String password, List<String> secrets) {

    private static final List<String> HEALTH = List.of("/actuator/health", "/actuator/health/readiness",
            "/actuator/health/liveness");

    /** The {@code Authorization} header of {@code user} with {@code password}. */
    public static Map<String, String> basic(String user, String password) {
        return Map.of("Authorization", "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
    }

    public Map<String, String> operator() {
        return basic(user, password);
    }

    public Answer get(String target, Map<String, String> headers) {
        return RawHttp.send(port, "GET", target, headers, null);
    }

    /** Health and its probes: 200 and UP to anyone, without {@code hidden} (component names, details). */
    public void healthAnswersAnyoneWithTheStatusOnly(String... hidden) {
        for (String path : HEALTH) {
            Answer answer = get(path, Map.of());

            assertThat(answer.status()).as(path).isEqualTo(200);
            assertThat(answer.raw()).as(path).contains("\"status\":\"UP\"").doesNotContain("components")
                    .doesNotContain(hidden);
        }
    }

    /** Each path: 401 problem+json with a Basic challenge, and none of the secrets, without a credential. */
    public void refusesWithoutACredential(List<String> paths) {
        for (String path : paths) {
            Answer answer = get(path, Map.of());

            assertThat(answer.status()).as(path).isEqualTo(401);
            assertThat(answer.raw()).as(path).containsIgnoringCase("WWW-Authenticate: Basic realm=\"management\"")
                    .containsIgnoringCase("Content-Type: application/problem+json")
                    .doesNotContain(secrets);
        }
    }

    /** Each path: 401 for a wrong password and for an unknown user, sent from 127.0.0.6. */
    public void refusesAWrongPasswordAndAnUnknownUser(List<String> paths) {
        InetAddress from = address("127.0.0.6");
        for (String path : paths) {
            assertThat(RawHttp.send(from, port, "GET", path, basic(user, "not the password"), null).status())
                    .as(path).isEqualTo(401);
            assertThat(RawHttp.send(from, port, "GET", path, basic("nobody", password), null).status())
                    .as(path).isEqualTo(401);
        }
    }

    /** Each other spelling of each endpoint: 400, 401, 403 or 404, and none of the secrets. */
    public void refusesEveryOtherSpellingWithoutACredential(List<String> endpoints) {
        List<String> targets = new ArrayList<>();
        endpoints.forEach(endpoint -> targets.addAll(PathAttacks.reachingEndpoint(endpoint)));
        assertThat(targets).hasSizeGreaterThanOrEqualTo(20 * endpoints.size());
        for (String target : targets) {
            Answer answer = get(target, Map.of());

            assertThat(answer.status()).as(target).isIn(400, 401, 403, 404);
            assertThat(answer.raw()).as(target).doesNotContain(secrets);
        }
    }

    /**
     * {@code limit} failed logins from 127.0.0.5 to {@code path}, then even the right password from there is
     * 429 with Retry-After, while 127.0.0.1 still gets in and probes from 127.0.0.5 still answer.
     */
    public void holdsOffAnAddressAfterFailedLogins(int limit, String path) {
        InetAddress guesser = address("127.0.0.5");
        for (int i = 0; i < limit; i++) {
            assertThat(RawHttp.send(guesser, port, "GET", path, basic(user, "guess " + i), null).status())
                    .isEqualTo(401);
        }

        Answer held = RawHttp.send(guesser, port, "GET", path, operator(), null);

        assertThat(held.status()).as("even the right password, once the address failed too often").isEqualTo(429);
        assertThat(held.raw()).containsIgnoringCase("Retry-After: ").containsIgnoringCase("application/problem+json");
        assertThat(get(path, operator()).status()).as("another address").isEqualTo(200);
        assertThat(RawHttp.send(guesser, port, "GET", "/actuator/health", Map.of(), null).status())
                .as("probes need no login, so they are not held off").isEqualTo(200);
    }

    /** Nothing accepts a connection on 127.0.0.2 at this port, while 127.0.0.1 answers. */
    public void listensOn127001Only() {
        assertThatThrownBy(() -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.2", port), 2000);
            }
        }).isInstanceOf(ConnectException.class);
        assertThat(get("/actuator/health", Map.of()).status()).isEqualTo(200);
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
