package dev.bookmarks.shardregistry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bookmarks.registry.RingSigner;
import dev.bookmarks.registry.RingStore;
import dev.bookmarks.ring.Ring;
import dev.bookmarks.testing.redis.RealRedisExtension;
import dev.bookmarks.testing.redis.TestRingKeys;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;

/** The registry started again and again against the same Redis. */
class BootstrapIT {

    @RegisterExtension
    static final RealRedisExtension redis = new RealRedisExtension();

    @BeforeEach
    void emptyRedis() {
        redis.get().flushAll();
    }

    @Test
    void createsTheRingOnceAndLeavesItAloneOverThreeRestartsEvenWhenTheConfigurationChanges() {
        byte[] first = null;
        for (int run = 1; run <= 3; run++) {
            // The third run is configured with a fourth shard: it must be logged, not applied.
            int shards = run == 3 ? 4 : 3;
            try (ConfigurableApplicationContext registry = start(shards)) {
                RingStore store = registry.getBean(RingStore.class);
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> store.readEpoch() >= 1);
                Ring ring = store.read().orElseThrow();
                byte[] bytes = ring.toBytes();
                if (first == null) {
                    first = bytes;
                    assertThat(ring.shards()).hasSize(3);
                }
                assertThat(ring.epoch()).as("run %d", run).isEqualTo(1);
                assertThat(bytes).as("run %d", run).isEqualTo(first);
            }
        }
    }

    @Test
    void aRegistryStartedWithARotatedInKeySignsTheRingItFindsAgainUnchanged() throws Exception {
        KeyPair next = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        String nextPrivate = "base64:" + Base64.getEncoder().encodeToString(next.getPrivate().getEncoded());
        String nextPublic = "base64:" + Base64.getEncoder().encodeToString(next.getPublic().getEncoded());
        Ring first;
        try (ConfigurableApplicationContext registry = start(3)) {
            RingStore store = registry.getBean(RingStore.class);
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> store.readEpoch() >= 1);
            first = store.read().orElseThrow();
        }

        List<String> rotated = new ArrayList<>(common(3));
        rotated.replaceAll(arg -> arg.equals("--" + TestRingKeys.PRIVATE_KEY_PROPERTY)
                ? "--bookmarks.registry.ring-signing.private-key=" + nextPrivate
                : arg.equals("--" + TestRingKeys.TRUSTED_KEYS_PROPERTY)
                        ? "--bookmarks.registry.ring-signing.trusted-keys=" + TestRingKeys.PUBLIC_KEY + "," + nextPublic
                        : arg);
        try (ConfigurableApplicationContext registry = new SpringApplicationBuilder(ShardRegistryApplication.class)
                .run(rotated.toArray(String[]::new))) {
            RingStore store = registry.getBean(RingStore.class);
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> store.readEpoch() >= 2);
            RingStore.TrustedRing resigned = store.readTrusted().orElseThrow();

            assertThat(resigned.keyId()).isEqualTo(registry.getBean(RingSigner.class).keyId())
                    .isNotEqualTo(RingSigner.parse(TestRingKeys.PRIVATE_KEY).keyId());
            assertThat(resigned.ring().epoch()).isEqualTo(2);
            assertThat(resigned.ring().shards()).isEqualTo(first.shards());
            assertThat(first.slotsMovedTo(resigned.ring())).isZero();
        }
    }

    @Test
    void refusesToStartWithoutAnAdministrator() {
        List<String> args = new ArrayList<>(common(3));
        args.add("--bookmarks.registry.admin.users[0].roles=VIEWER");

        assertThatThrownBy(() -> new SpringApplicationBuilder(ShardRegistryApplication.class)
                .run(args.toArray(String[]::new)).close())
                .hasStackTraceContaining("must name at least one user with role ADMIN");
    }

    @Test
    void refusesAPlainTextPasswordOutsideTheLocalProfileButStartsWithAnEncodedOne() {
        List<String> production = new ArrayList<>(common(3));
        production.remove("--spring.profiles.active=local");

        assertThatThrownBy(() -> new SpringApplicationBuilder(ShardRegistryApplication.class)
                .run(production.toArray(String[]::new)).close())
                .hasStackTraceContaining("the password of admin is {noop} (plain text), allowed only under the local profile");

        String encoded = PasswordEncoderFactories.createDelegatingPasswordEncoder().encode("admin-secret");
        production.replaceAll(arg -> arg.startsWith("--bookmarks.registry.admin.users[0].password=")
                ? "--bookmarks.registry.admin.users[0].password=" + encoded : arg);
        try (ConfigurableApplicationContext registry = new SpringApplicationBuilder(ShardRegistryApplication.class)
                .run(production.toArray(String[]::new))) {
            assertThat(registry.isActive()).isTrue();
        }
    }

    @Test
    void refusesToStartWithoutItsRingSigningKeySayingWhatToSet() {
        List<String> args = new ArrayList<>(common(3));
        args.remove("--spring.profiles.active=local");
        args.remove("--" + TestRingKeys.PRIVATE_KEY_PROPERTY);
        String encoded = PasswordEncoderFactories.createDelegatingPasswordEncoder().encode("admin-secret");
        args.replaceAll(arg -> arg.startsWith("--bookmarks.registry.admin.users[0].password=")
                ? "--bookmarks.registry.admin.users[0].password=" + encoded : arg);

        assertThatThrownBy(() -> new SpringApplicationBuilder(ShardRegistryApplication.class)
                .run(args.toArray(String[]::new)).close())
                .hasStackTraceContaining("set bookmarks.registry.ring-signing.private-key to its Ed25519 private key");
    }

    @Test
    void refusesToStartOutsideTheLocalProfileWithoutARedisPassword() {
        List<String> args = new ArrayList<>(common(3));
        args.remove("--spring.profiles.active=local");
        String encoded = PasswordEncoderFactories.createDelegatingPasswordEncoder().encode("admin-secret");
        args.replaceAll(arg -> arg.startsWith("--bookmarks.registry.admin.users[0].password=")
                ? "--bookmarks.registry.admin.users[0].password=" + encoded
                : arg.startsWith("--spring.data.redis.url=") ? "--spring.data.redis.url=redis://127.0.0.1:"
                        + redis.get().port() : arg);

        assertThatThrownBy(() -> new SpringApplicationBuilder(ShardRegistryApplication.class)
                .run(args.toArray(String[]::new)).close())
                .hasStackTraceContaining("Redis must require a login outside the local profile");
    }

    private static ConfigurableApplicationContext start(int shards) {
        return new SpringApplicationBuilder(ShardRegistryApplication.class).run(common(shards).toArray(String[]::new));
    }

    /** Command-line arguments, which outrank application.yml as they would for an operator. */
    private static List<String> common(int shards) {
        List<String> args = new ArrayList<>(List.of(
                "--spring.data.redis.url=" + redis.get().url(),
                "--server.port=0", "--management.server.port=0", "--spring.main.banner-mode=off",
                "--spring.profiles.active=local",
                "--bookmarks.registry.admin.users[0].name=admin",
                "--bookmarks.registry.admin.users[0].password={noop}admin-secret",
                "--" + TestRingKeys.TRUSTED_KEYS_PROPERTY, "--" + TestRingKeys.PRIVATE_KEY_PROPERTY));
        for (int i = 0; i < shards; i++) {
            args.add("--bookmarks.registry.bootstrap.shards[" + i + "].id=s-" + i);
            args.add("--bookmarks.registry.bootstrap.shards[" + i + "].url=http://127.0.0.1:" + (9000 + i));
        }
        return args;
    }
}
