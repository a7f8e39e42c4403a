package dev.bookmarks.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bookmarks.ring.Ring;
import dev.bookmarks.ring.Shard;
import dev.bookmarks.testing.redis.RealRedis;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A registry client over {@code rediss://}: Redis with TLS only on the port the clients use, a
 * self-signed certificate the clients trust through a Spring Boot SSL bundle.
 */
class RedissIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private static RealRedis redis;
    private final RegistryClients clients = new RegistryClients();

    @BeforeAll
    static void startRedisWithTls() {
        redis = RealRedis.startTlsProcess();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @AfterEach
    void close() {
        clients.close();
    }

    @Test
    void aWatcherReadsASignedRingOverTlsTrustingTheServerThroughAnSslBundle() {
        assertThat(redis.url()).startsWith("rediss://");
        String[] tls = {"bookmarks.registry.poll-interval=200ms",
                "spring.ssl.bundle.pem.redis.truststore.certificate=file:" + redis.tlsCertificate(),
                "spring.data.redis.ssl.bundle=redis"};
        RingStore writer = clients.start(redis.url(), tls).getBean(RingStore.class);
        ConfigurableApplicationContext reader = clients.start(redis.url(), tls);
        Ring ring = Ring.create(1024, List.of(Shard.active("s-1", "http://127.0.0.1:9001", 1)));

        assertThat(writer.compareAndSet(0, ring, RegistryClients.SIGNER))
                .isInstanceOf(RingStore.WriteResult.Written.class);

        RingWatcher watcher = reader.getBean(RingWatcher.class);
        await().atMost(WAIT).until(() -> watcher.current().filter(ring::equals).isPresent());
        assertThat(watcher.status().error()).isEmpty();
        assertThat(watcher.status().signingKey()).contains(RegistryClients.SIGNER.keyId());
    }

    @Test
    void aClientThatDoesNotTrustTheServersCertificateGetsNoRing() {
        // Same URL, no bundle: the JDK's default trust store does not know the self-signed
        // certificate, so the handshake fails. This is what shows that the connection is TLS.
        RingWatcher watcher = clients.start(redis.url(), "bookmarks.registry.poll-interval=200ms")
                .getBean(RingWatcher.class);

        await().atMost(WAIT).until(() -> watcher.status().error().isPresent());
        assertThat(watcher.status().error().orElseThrow()).startsWith("Redis is unreachable");
        assertThat(watcher.current()).isEmpty();
    }
}
