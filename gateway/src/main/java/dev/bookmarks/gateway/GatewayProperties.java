package dev.bookmarks.gateway;

import dev.bookmarks.config.Ranges;
import dev.bookmarks.protocol.InternalSecret;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The gateway's own settings ({@code bookmarks.gateway.*}). Redis and the ring are
 * {@code spring.data.redis.*} and {@code bookmarks.registry.*}; token validation is Spring Boot's
 * {@code spring.security.oauth2.resourceserver.jwt.*}.
 *
 * @param internalSecret the secret shared with the shards, to sign the identity the gateway vouches
 *     for: {@code base64:...} or text of at least {@value InternalSecret#MIN_BYTES} bytes. Required;
 *     only the local profile supplies one (a development secret)
 * @param trustedProxies IP addresses or CIDR blocks ({@code 10.0.0.0/8}, {@code fd00::/8}) of the
 *     proxies whose {@code X-Forwarded-*} headers are believed; from anyone else they are replaced.
 *     Empty (the default) trusts nobody, which is right when clients connect to the gateway directly
 * @param ringRefreshTimeout how long a request that a shard answered 421 waits for a fresh read of
 *     the ring before its one retry, in [50ms, 10s]
 * @param retryAfter what a 503 answer asks the client to wait, in whole seconds in [1s, 1h]
 */
@ConfigurationProperties("bookmarks.gateway")
public record GatewayProperties(
        String internalSecret,
        @DefaultValue List<String> trustedProxies,
        @DefaultValue("1s") Duration ringRefreshTimeout,
        @DefaultValue("1s") Duration retryAfter) {

    public GatewayProperties {
        try {
            InternalSecret.parse(internalSecret);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bookmarks.gateway.internal-secret: " + e.getMessage()
                    + " (the local profile supplies a development secret)");
        }
        trustedProxies = List.copyOf(trustedProxies);
        ProxyAllowList.of(trustedProxies);
        Ranges.require("bookmarks.gateway.ring-refresh-timeout", ringRefreshTimeout, Duration.ofMillis(50),
                Duration.ofSeconds(10));
        Ranges.require("bookmarks.gateway.retry-after", retryAfter, Duration.ofSeconds(1), Duration.ofHours(1));
        if (retryAfter.toMillis() % 1000 != 0) {
            throw new IllegalArgumentException("bookmarks.gateway.retry-after must be whole seconds: " + retryAfter);
        }
    }

    /** The parsed internal secret. */
    public InternalSecret secret() {
        return InternalSecret.parse(internalSecret);
    }

    /** The value of a {@code Retry-After} header: whole seconds. */
    public String retryAfterHeader() {
        return Long.toString(retryAfter.toSeconds());
    }

    /** Never prints the secret, which would otherwise end up in logs and failure reports. */
    @Override
    public String toString() {
        return "GatewayProperties[internalSecret=(hidden), trustedProxies=" + trustedProxies
                + ", ringRefreshTimeout=" + ringRefreshTimeout + ", retryAfter=" + retryAfter + "]";
    }
}
