package dev.bookmarks.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS: the client trusts exactly the given certificate and checks the host name. */
class TlsIT {

    /** Timeouts far beyond a loopback TLS handshake even on a busy machine; no test here is about them. */
    private static final Duration GENEROUS = Duration.ofSeconds(30);

    @TempDir
    static Path dir;
    static TestCerts.Identity local;
    static TestCerts.Identity other;
    static TestCerts.Identity wrongName;

    private StubGateway stub;

    @BeforeAll
    static void certificates() throws Exception {
        local = TestCerts.create(dir, "local", "dns:localhost,ip:127.0.0.1,ip:::1");
        other = TestCerts.create(dir, "other", "dns:localhost,ip:127.0.0.1,ip:::1");
        wrongName = TestCerts.create(dir, "wrong-name", "dns:elsewhere.test");
    }

    @AfterEach
    void stop() {
        if (stub != null) {
            stub.close();
        }
    }

    private StubGateway start(TestCerts.Identity identity) throws Exception {
        stub = StubGateway.startAll(List.of("127.0.0.1"), identity.serverContext(),
                Map.of("127.0.0.1", (exchange, seen) -> StubGateway.json(exchange, 200, "[]"))).get(0);
        return stub;
    }

    private BookmarksClient client(int port, Path trusted) {
        return BookmarksClient.builder(URI.create("https://127.0.0.1:" + port)).token("t")
                .trustCertificate(trusted).connectTimeout(GENEROUS).requestTimeout(GENEROUS)
                .sleeper(d -> { }).build();
    }

    @Test
    void trustsTheGivenCertificate() throws Exception {
        StubGateway gateway = start(local);
        assertThat(client(gateway.port(), local.certificatePem()).tags("alice")).isEmpty();
        assertThat(gateway.seen).hasSize(1);
    }

    @Test
    void refusesAServerWithAnotherCertificateWithoutRetrying() throws Exception {
        StubGateway gateway = start(other);
        assertThatThrownBy(() -> client(gateway.port(), local.certificatePem()).tags("alice"))
                .isInstanceOfSatisfying(BookmarksException.class, e -> {
                    assertThat(e.status()).isZero();
                    assertThat(e.title()).isEqualTo("TLS verification failed");
                });
        assertThat(gateway.seen).isEmpty();
    }

    @Test
    void refusesATrustedCertificateForAnotherName() throws Exception {
        StubGateway gateway = start(wrongName);
        assertThatThrownBy(() -> client(gateway.port(), wrongName.certificatePem()).tags("alice"))
                .isInstanceOfSatisfying(BookmarksException.class,
                        e -> assertThat(e.title()).isEqualTo("TLS verification failed"));
        assertThat(gateway.seen).isEmpty();
    }

    @Test
    void refusesASelfSignedServerWithTheDefaultTrustStore() throws Exception {
        StubGateway gateway = start(local);
        BookmarksClient client = BookmarksClient.builder(URI.create("https://127.0.0.1:" + gateway.port()))
                .connectTimeout(GENEROUS).requestTimeout(GENEROUS).sleeper(d -> { }).build();
        assertThatThrownBy(() -> client.tags("alice")).isInstanceOf(BookmarksException.class);
        assertThat(gateway.seen).isEmpty();
    }
}
