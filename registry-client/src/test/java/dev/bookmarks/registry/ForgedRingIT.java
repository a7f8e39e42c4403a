package dev.bookmarks.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bookmarks.ring.Ring;
import dev.bookmarks.ring.Shard;
import dev.bookmarks.testing.redis.RealRedisExtension;
import dev.bookmarks.testing.redis.TestRingKeys;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * Someone who can write to Redis, but holds no trusted ring-signing key, tries to point users at
 * their own host. Every watcher refuses the ring, keeps serving the last good one, and says so in
 * health and metrics; a good ring written afterwards is taken without a restart.
 */
class ForgedRingIT {

    /** Bound of every wait for a watcher to poll (200 ms here); generous for a busy machine. */
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String EVIL = "http://203.0.113.66:8080";

    @RegisterExtension
    static final RealRedisExtension redis = new RealRedisExtension();

    private final RegistryClients clients = new RegistryClients();
    private RingStore writer;
    private RawRedis raw;

    @BeforeEach
    void connect() {
        redis.get().flushAll();
        ConfigurableApplicationContext context = clients.start(redis.get().url(), "bookmarks.registry.pubsub=false");
        writer = context.getBean(RingStore.class);
        raw = new RawRedis(context.getBean(RedisConnectionFactory.class));
    }

    @AfterEach
    void close() {
        clients.close();
    }

    @Test
    void aHigherEpochRingWrittenStraightToRedisIsRefusedAndTheLastGoodOneKept() {
        ConfigurableApplicationContext context = watcher();
        RingWatcher watcher = context.getBean(RingWatcher.class);
        Ring good = write(firstRing());
        await().atMost(WAIT).until(() -> watcher.current().isPresent());

        Ring forged = good.rebalance(List.of(Shard.active("s-1", EVIL, 1), Shard.active("s-2", EVIL, 1)));
        raw.set("bookmarks:ring", forged.toBytes());
        raw.set("bookmarks:ring:epoch", Long.toString(forged.epoch()));
        raw.set("bookmarks:ring:signature", "ed25519 0000000000000000 AAAA");

        await().atMost(WAIT).until(() -> watcher.status().error().isPresent());
        assertThat(watcher.current()).contains(good);
        Health health = context.getBean(RingHealthIndicator.class).health();
        assertThat(health.getStatus()).isEqualTo(RingHealthIndicator.DEGRADED);
        assertThat(health.getDetails()).containsEntry("epoch", 1L)
                .containsEntry("signingKey", RegistryClients.SIGNER.keyId());
        assertThat((String) health.getDetails().get("error")).contains("refused")
                .contains("signed by key 0000000000000000, which is not among the trusted keys");
        assertThat(meter(context, "bookmarks.ring.source.errors")).isEqualTo(1.0);
        assertThat(meter(context, "bookmarks.ring.signature.failures")).isGreaterThanOrEqualTo(1.0);

        // The registry writes the next ring over the forged one by compare-and-set on the stored epoch.
        Ring repaired = good.rebalance(List.of(Shard.active("s-1", "http://127.0.0.1:9011", 1),
                Shard.active("s-2", "http://127.0.0.1:9002", 1))).rebalance(List.of(
                Shard.active("s-1", "http://127.0.0.1:9021", 1), Shard.active("s-2", "http://127.0.0.1:9002", 1)));
        assertThat(writer.compareAndSet(2, repaired, RegistryClients.SIGNER))
                .isInstanceOf(RingStore.WriteResult.Written.class);
        await().atMost(WAIT).until(() -> watcher.current().filter(repaired::equals).isPresent()
                && watcher.status().error().isEmpty());
        assertThat(context.getBean(RingHealthIndicator.class).health().getStatus()).isEqualTo(Status.UP);
        assertThat(meter(context, "bookmarks.ring.source.errors")).isZero();
    }

    @Test
    void aRingWithoutASignatureIsRefusedAndNothingIsLoadedSoHealthStaysDown() {
        ConfigurableApplicationContext context = watcher();
        raw.set("bookmarks:ring", firstRing().toBytes());

        await().atMost(WAIT).until(() -> context.getBean(RingWatcher.class).signatureFailures() > 0);
        assertThat(context.getBean(RingWatcher.class).current()).isEmpty();
        Health health = context.getBean(RingHealthIndicator.class).health();
        assertThat(health.getStatus()).isEqualTo(Status.DOWN);
        assertThat((String) health.getDetails().get("error")).contains("carries no signature");
    }

    @Test
    void aRingSignedByAKeyNobodyTrustsIsRefused() throws Exception {
        RingWatcher watcher = watcher().getBean(RingWatcher.class);
        Ring good = write(firstRing());
        await().atMost(WAIT).until(() -> watcher.current().isPresent());
        RingSigner stranger = RingSigner.parse(privateKeyText(newKeyPair()));

        writer.compareAndSet(1, good.rebalance(List.of(Shard.active("s-1", EVIL, 1))), stranger);

        await().atMost(WAIT).until(() -> watcher.status().error()
                .filter(e -> e.contains("signed by key " + stranger.keyId())).isPresent());
        assertThat(watcher.current()).contains(good);
    }

    @Test
    void aRingSignedForAnotherEnvironmentSharingRedisIsRefused() {
        RingStore staging = clients.start(redis.get().url(), "bookmarks.registry.pubsub=false",
                "bookmarks.registry.key-prefix=staging").getBean(RingStore.class);
        RingWatcher watcher = watcher().getBean(RingWatcher.class);
        Ring production = write(firstRing());
        await().atMost(WAIT).until(() -> watcher.current().isPresent());
        Ring stagingRing = production.rebalance(List.of(Shard.active("s-1", EVIL, 1)));
        staging.compareAndSet(0, Ring.create(1024, List.of(Shard.active("s-1", EVIL, 1))), RegistryClients.SIGNER);
        staging.compareAndSet(1, stagingRing, RegistryClients.SIGNER);

        // Replayed: the staging ring and its genuine signature, copied under the production keys.
        raw.set("bookmarks:ring", raw.get("staging:ring"));
        raw.set("bookmarks:ring:signature", raw.get("staging:ring:signature"));

        await().atMost(WAIT).until(() -> watcher.status().error()
                .filter(e -> e.contains("does not match its bytes and key prefix bookmarks")).isPresent());
        assertThat(watcher.current()).contains(production);
    }

    @Test
    void anAlteredSignatureOnTheRingHeldIsReportedThoughTheRingIsUnchanged() {
        RingWatcher watcher = watcher().getBean(RingWatcher.class);
        Ring good = write(firstRing());
        await().atMost(WAIT).until(() -> watcher.current().isPresent());
        byte[] signature = raw.get("bookmarks:ring:signature");

        raw.set("bookmarks:ring:signature", "ed25519 " + RegistryClients.SIGNER.keyId() + " "
                + Base64.getEncoder().encodeToString(new byte[64]));
        await().atMost(WAIT).until(() -> watcher.status().error()
                .filter(e -> e.contains("does not match")).isPresent());
        assertThat(watcher.current()).contains(good);

        raw.set("bookmarks:ring:signature", signature);
        await().atMost(WAIT).until(() -> watcher.status().error().isEmpty());
    }

    @Test
    void aRingSignedByARotatedInKeyIsTakenByWatchersThatTrustIt() throws Exception {
        KeyPair next = newKeyPair();
        RingSigner rotated = RingSigner.parse(privateKeyText(next));
        String both = "bookmarks.registry.ring-signing.trusted-keys=" + TestRingKeys.PUBLIC_KEY + ","
                + "base64:" + Base64.getEncoder().encodeToString(next.getPublic().getEncoded());
        ConfigurableApplicationContext context = clients.start(redis.get().url(), "bookmarks.registry.pubsub=false",
                "bookmarks.registry.poll-interval=200ms", both);
        RingWatcher watcher = context.getBean(RingWatcher.class);
        Ring first = write(firstRing());
        await().atMost(WAIT).until(() -> watcher.current().isPresent());

        Ring second = first.rebalance(List.of(Shard.active("s-1", "http://127.0.0.1:9011", 1),
                Shard.active("s-2", "http://127.0.0.1:9002", 1)));
        assertThat(writer.compareAndSet(1, second, rotated)).isInstanceOf(RingStore.WriteResult.Written.class);

        await().atMost(WAIT).until(() -> watcher.current().filter(second::equals).isPresent());
        assertThat(watcher.status().error()).isEmpty();
        assertThat(watcher.status().signingKey()).contains(rotated.keyId());
        assertThat(context.getBean(RingHealthIndicator.class).health().getDetails())
                .containsEntry("signingKey", rotated.keyId());
    }

    @Test
    void aWrongRedisPasswordIsReportedAsRefusedCredentialsNotAsAnOutage() {
        ConfigurableApplicationContext context = clients.start(redis.get().urlWithPassword("not-the-password"),
                "bookmarks.registry.pubsub=false", "bookmarks.registry.poll-interval=200ms");

        await().atMost(WAIT).until(() -> context.getBean(RingWatcher.class).status().error().isPresent());
        assertThat((String) context.getBean(RingHealthIndicator.class).health().getDetails().get("error"))
                .contains("Redis refused this process's credentials").contains("WRONGPASS");
    }

    private ConfigurableApplicationContext watcher() {
        return clients.start(redis.get().url(), "bookmarks.registry.pubsub=false",
                "bookmarks.registry.poll-interval=200ms");
    }

    private Ring write(Ring ring) {
        assertThat(writer.compareAndSet(ring.epoch() - 1, ring, RegistryClients.SIGNER))
                .isInstanceOf(RingStore.WriteResult.Written.class);
        return ring;
    }

    private static Ring firstRing() {
        return Ring.create(1024, List.of(Shard.active("s-1", "http://127.0.0.1:9001", 1),
                Shard.active("s-2", "http://127.0.0.1:9002", 1)));
    }

    private static KeyPair newKeyPair() throws Exception {
        return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    }

    private static String privateKeyText(KeyPair pair) {
        return "base64:" + Base64.getEncoder().encodeToString(pair.getPrivate().getEncoded());
    }

    private static double meter(ConfigurableApplicationContext context, String name) {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        context.getBean(RingMetrics.class).bindTo(registry);
        return name.endsWith("failures") ? registry.get(name).functionCounter().count()
                : registry.get(name).gauge().value();
    }
}
