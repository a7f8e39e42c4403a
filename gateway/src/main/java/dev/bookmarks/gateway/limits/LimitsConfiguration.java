package dev.bookmarks.gateway.limits;

import dev.bookmarks.gateway.routing.RoutingConfiguration;
import java.util.List;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.gateway.filter.ratelimit.RedisRateLimiter;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.DefaultRedisScript;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.scripting.support.ResourceScriptSource;

/**
 * Request limits: the body size ({@link BodySizeLimitFilter}) and the per-user rate
 * ({@link UserRateLimitFilter}), from {@link LimitsProperties}. The header-section limit is
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
