package dev.bookmarks.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bookmarks.testing.redis.TestRingKeys;
import java.security.KeyPairGenerator;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * What a process with the registry client refuses to start without. No Redis answers here (port 1):
 * start-up never waits for Redis, so these are decided by configuration alone.
 */
class StartupRefusalsTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
                    RegistryClientAutoConfiguration.class))
            .withPropertyValues("bookmarks.registry.pubsub=false");

    @Test
    void aWatcherWithoutTrustedKeysRefusesToStartSayingWhatToSet() {
        runner.withPropertyValues("spring.data.redis.url=redis://:secret@127.0.0.1:1")
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("bookmarks.registry.ring-signing.trusted-keys is empty")
                        .hasMessageContaining("Ed25519 public key"));
    }

    @Test
    void aPrivateKeyWhosePublicHalfIsNotTrustedRefusesToStartNamingTheKeyToTrust() throws Exception {
        String otherPrivate = "base64:" + Base64.getEncoder().encodeToString(
                KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPrivate().getEncoded());
        runner.withPropertyValues("spring.data.redis.url=redis://:secret@127.0.0.1:1",
                        TestRingKeys.TRUSTED_KEYS_PROPERTY,
                        "bookmarks.registry.ring-signing.private-key=" + otherPrivate)
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("bookmarks.registry.ring-signing.private-key has key id")
                        .hasMessageContaining("is not among bookmarks.registry.ring-signing.trusted-keys")
                        .hasMessageNotContaining(otherPrivate.substring("base64:".length())));
    }

    @Test
    void outsideTheLocalProfileAProcessWithoutARedisPasswordRefusesToStart() {
        runner.withPropertyValues("spring.data.redis.url=redis://127.0.0.1:1", TestRingKeys.TRUSTED_KEYS_PROPERTY)
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("Redis must require a login outside the local profile")
                        .hasMessageContaining("spring.data.redis.password"));
        runner.withPropertyValues("spring.data.redis.host=127.0.0.1", "spring.data.redis.port=1",
                        "spring.data.redis.username=ring-reader", TestRingKeys.TRUSTED_KEYS_PROPERTY)
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("Redis must require a login"));
    }

    @Test
    void aRedisPasswordInTheUrlOrInItsOwnPropertyIsEnough() {
        runner.withPropertyValues("spring.data.redis.url=redis://:secret@127.0.0.1:1",
                        TestRingKeys.TRUSTED_KEYS_PROPERTY)
                .run(context -> assertThat(context).hasNotFailed().hasSingleBean(RingWatcher.class));
        runner.withPropertyValues("spring.data.redis.url=rediss://ring-reader:secret@127.0.0.1:1",
                        TestRingKeys.TRUSTED_KEYS_PROPERTY)
                .run(context -> assertThat(context).hasNotFailed());
        runner.withPropertyValues("spring.data.redis.host=127.0.0.1", "spring.data.redis.port=1",
                        "spring.data.redis.username=ring-reader", "spring.data.redis.password=secret",
                        TestRingKeys.TRUSTED_KEYS_PROPERTY)
                .run(context -> assertThat(context).hasNotFailed());
    }

    @Test
    void theLocalProfileMayUseRedisWithoutAPassword() {
        runner.withPropertyValues("spring.profiles.active=local", "spring.data.redis.url=redis://127.0.0.1:1",
                        TestRingKeys.TRUSTED_KEYS_PROPERTY)
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(RedisCredentials.class));
    }
}
