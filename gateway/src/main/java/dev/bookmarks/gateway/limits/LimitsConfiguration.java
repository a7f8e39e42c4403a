package dev.bookmarks.gateway.limits;

import dev.bookmarks.gateway.routing.RoutingConfiguration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.cloud.gateway.filter.ratelimit.RedisRateLimiter;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.DefaultRedisScript;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.scripting.support.ResourceScriptSource;

/**
 * Request limits: open connections and HTTP/2 streams ({@link #connectionLimits}), the per-address rate
 * before authentication ({@link ClientAddressLimitFilter}), the body size ({@link BodySizeLimitFilter}) and
 * the per-user rate ({@link UserRateLimitFilter}), from {@link LimitsProperties}. The header-section limit is
 * Reactor Netty's ({@code server.max-http-request-header-size}, answered 431 by Netty itself).
 *
 * <p>The {@link RedisRateLimiter} is built here, not by Spring Cloud Gateway's Redis
 * auto-configuration (off: {@code spring.cloud.gateway.server.webflux.redis.enabled=false}), which
 * would also add a route-definition template the gateway has no use for. It runs Spring Cloud
 * Gateway's own token-bucket script over Spring Boot's {@link ReactiveStringRedisTemplate}, that is
 * over the registry's Lettuce connection settings (commands rejected at once while disconnected).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(LimitsProperties.class)
public class LimitsConfiguration {

    /** Spring Cloud Gateway's token-bucket script, as its Redis auto-configuration loads it. */
    static final String SCRIPT = "META-INF/scripts/request_rate_limiter.lua";

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
    UserRateLimitFilter userRateLimitFilter(LimitsProperties limits, ReactiveStringRedisTemplate redis) {
        LimitsProperties.RateLimit rate = limits.rateLimit();
        RedisRateLimiter limiter = new RedisRateLimiter(redis, tokenBucketScript(), null);
        limiter.getConfig().put(RoutingConfiguration.ROUTE_ID, new RedisRateLimiter.Config()
                .setReplenishRate(rate.replenishRate()).setBurstCapacity(rate.burstCapacity()));
        return new UserRateLimitFilter(limiter, RoutingConfiguration.ROUTE_ID, rate.replenishRate(),
                rate.redisTimeout());
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static RedisScript<List<Long>> tokenBucketScript() {
        DefaultRedisScript script = new DefaultRedisScript<>();
        script.setScriptSource(new ResourceScriptSource(new ClassPathResource(SCRIPT)));
        script.setResultType(List.class);
        return script;
    }
}
