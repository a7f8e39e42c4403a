package dev.bookmarks.gateway.limits;

import dev.bookmarks.registry.RedisKeys;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

/**
 * Request limits: open connections and HTTP/2 streams ({@link #connectionLimits}), the per-address rate
 * before authentication ({@link ClientAddressLimitFilter}), the body size ({@link BodySizeLimitFilter}) and
 * the per-user rate ({@link UserRateLimitFilter}), from {@link LimitsProperties}. The header-section limit is
 * Reactor Netty's ({@code server.max-http-request-header-size}, answered 431 by Netty itself).
 *
 * <p>The per-user rate is decided in each gateway's memory ({@link UserBuckets}) and reconciled with Redis in
 * the background ({@link UserRateLimitReconciler}), over Spring Boot's {@link ReactiveStringRedisTemplate}, that
 * is over the registry's Lettuce connection settings (commands rejected at once while disconnected) and under
 * the registry's key prefix.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(LimitsProperties.class)
public class LimitsConfiguration {

    @Bean
    BodySizeLimitFilter bodySizeLimitFilter(LimitsProperties limits) {
        return new BodySizeLimitFilter(limits.maxBodySize().toBytes());
    }

    @Bean
    ClientAddressLimitFilter clientAddressLimitFilter(LimitsProperties limits) {
        LimitsProperties.Connections connections = limits.connections();
        return new ClientAddressLimitFilter(new AddressBuckets(connections.perAddressRate(),
                connections.perAddressBurst(), System::nanoTime));
    }

    /**
     * The public server's connection bounds: at most {@code max-connections} open at once (one more is closed as
     * soon as it is accepted, before any TLS handshake), and {@code max-concurrent-streams} per HTTP/2
     * connection. Applies to the public port only; the management server is another Netty server.
     */
    @Bean
    NettyServerCustomizer connectionLimits(LimitsProperties limits) {
        LimitsProperties.Connections connections = limits.connections();
        AtomicInteger open = new AtomicInteger();
        return server -> server
                .doOnChannelInit((observer, channel, remote) -> {
                    if (open.incrementAndGet() > connections.maxConnections()) {
                        open.decrementAndGet();
                        channel.close();
                        return;
                    }
                    channel.closeFuture().addListener(closed -> open.decrementAndGet());
                })
                .http2Settings(settings -> settings.maxConcurrentStreams(connections.maxConcurrentStreams()));
    }

    @Bean
    @ConditionalOnProperty(name = "bookmarks.gateway.limits.rate-limit.enabled", matchIfMissing = true)
    UserBuckets userBuckets(LimitsProperties limits) {
        LimitsProperties.RateLimit rate = limits.rateLimit();
        return new UserBuckets(rate.replenishRate(), rate.burstCapacity(), rate.maxUsers(), System::nanoTime);
    }

    @Bean
    @ConditionalOnProperty(name = "bookmarks.gateway.limits.rate-limit.enabled", matchIfMissing = true)
    UserRateLimitReconciler userRateLimitReconciler(UserBuckets buckets, ReactiveStringRedisTemplate redis,
            RedisKeys keys, LimitsProperties limits) {
        return new UserRateLimitReconciler(buckets, redis, keys.prefix(), limits.rateLimit(), System::nanoTime);
    }

    @Bean
    @ConditionalOnProperty(name = "bookmarks.gateway.limits.rate-limit.enabled", matchIfMissing = true)
    UserRateLimitFilter userRateLimitFilter(UserBuckets buckets) {
        return new UserRateLimitFilter(buckets);
    }
}
