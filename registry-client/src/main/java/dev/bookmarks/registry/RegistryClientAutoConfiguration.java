package dev.bookmarks.registry;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.data.redis.autoconfigure.ClientResourcesBuilderCustomizer;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.LettuceClientOptionsBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Profile;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;
import org.springframework.util.backoff.FixedBackOff;

/**
 * Gives every application that depends on this module the same view of the registry: a
 * {@link RingStore}, a started {@link RingWatcher} (polling, and following the change channel
 * unless {@code bookmarks.registry.pubsub=false}), {@link Heartbeats}, the {@code ring} health
 * component, the {@code bookmarks.ring.*} gauges, and the {@code ring} and {@code route} Actuator
 * endpoints (when exposed).
 *
 * <p>Start-up fails without {@code bookmarks.registry.ring-signing.trusted-keys}
 * ({@link RingSigningProperties}) and, outside the {@code local} profile, without a Redis password
 * ({@link RedisCredentials}).
 */
@AutoConfiguration(after = DataRedisAutoConfiguration.class)
@ConditionalOnBean(RedisConnectionFactory.class)
@EnableConfigurationProperties({RegistryProperties.class, RingSigningProperties.class})
public class RegistryClientAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    RedisKeys registryRedisKeys(RegistryProperties properties) {
        return new RedisKeys(properties.keyPrefix());
    }

    @Bean
    @ConditionalOnMissingBean
    TrustedRingKeys trustedRingKeys(RingSigningProperties properties) {
        return properties.trusted();
    }

    @Bean
    @ConditionalOnMissingBean
    RingStore ringStore(RedisConnectionFactory connections, RedisKeys keys, TrustedRingKeys trusted) {
        return new RingStore(connections, keys, trusted);
    }

    /** Fails start-up outside the local profile when Redis would be used without a login. */
    @Bean
    @Profile("!local")
    RedisCredentials redisCredentials(DataRedisConnectionDetails details) {
        return new RedisCredentials(details);
    }

    @Bean
    @ConditionalOnMissingBean
    RingWatcher ringWatcher(RingStore store, RegistryProperties properties, ObjectProvider<Clock> clock) {
        return new RingWatcher(store, properties.pollInterval(), clock.getIfAvailable(Clock::systemUTC));
    }

    @Bean
    @ConditionalOnMissingBean
    Heartbeats heartbeats(RedisConnectionFactory connections, RedisKeys keys, RegistryProperties properties) {
        return new Heartbeats(connections, keys, properties.heartbeatTtl());
    }

    @Bean
    @ConditionalOnMissingBean(name = "ringHealthIndicator")
    RingHealthIndicator ringHealthIndicator(RingWatcher watcher, ObjectProvider<Clock> clock) {
        return new RingHealthIndicator(watcher, clock.getIfAvailable(Clock::systemUTC));
    }

    @Bean
    RingMetrics ringMetrics(RingWatcher watcher, ObjectProvider<Clock> clock) {
        return new RingMetrics(watcher, clock.getIfAvailable(Clock::systemUTC));
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnAvailableEndpoint
    RingEndpoint ringEndpoint(RingWatcher watcher, Heartbeats heartbeats, ObjectProvider<Clock> clock) {
        return new RingEndpoint(watcher, heartbeats, clock.getIfAvailable(Clock::systemUTC));
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnAvailableEndpoint
    RouteEndpoint routeEndpoint(RingWatcher watcher) {
        return new RouteEndpoint(watcher);
    }

    /** A change announcement makes every watcher read Redis at once instead of at its next poll. */
    @Bean
    @ConditionalOnProperty(name = "bookmarks.registry.pubsub", havingValue = "true", matchIfMissing = true)
    RedisMessageListenerContainer ringChangeListener(RedisConnectionFactory connections, RedisKeys keys,
            RingWatcher watcher) {
        RedisMessageListenerContainer container = new RedisMessageListenerContainer();
        container.setConnectionFactory(connections);
        // Started by ringChangeSubscription, so that Redis being down cannot stop the application.
        container.setAutoStartup(false);
        // Resubscribe soon after Redis returns; the poll covers what was announced meanwhile.
        container.setRecoveryBackoff(new FixedBackOff(1000, FixedBackOff.UNLIMITED_ATTEMPTS));
        container.addMessageListener((message, pattern) -> watcher.refresh(), new ChannelTopic(keys.channel()));
        return container;
    }

    @Bean
    @ConditionalOnProperty(name = "bookmarks.registry.pubsub", havingValue = "true", matchIfMissing = true)
    RingChangeSubscription ringChangeSubscription(RedisMessageListenerContainer ringChangeListener) {
        return new RingChangeSubscription(ringChangeListener);
    }

    /**
     * Fail Redis commands at once while the connection is down, instead of queueing them until the
     * command timeout: a watcher then reports the outage on its next poll, and request paths that
     * touch Redis (rate limits) can fall back without waiting.
     */
    @Bean
    LettuceClientOptionsBuilderCustomizer rejectCommandsWhileDisconnected() {
        return options -> options.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS);
    }

    /**
     * Reconnect at most 2 s apart. Lettuce's default backoff grows to 30 s, so a ten-second outage
     * could keep a process away from Redis for half a minute after Redis is back.
     */
    @Bean
    ClientResourcesBuilderCustomizer boundedReconnectDelay() {
        return resources -> resources.reconnectDelay(
                Delay.exponential(Duration.ofMillis(50), Duration.ofSeconds(2), 2, TimeUnit.MILLISECONDS));
    }
}
