package dev.bookmarks.gateway.security;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Development tokens ({@code bookmarks.gateway.dev-token.*}), bound only under the local profile.
 *
 * @param key the HMAC-SHA256 key that signs and validates them, at least 32 bytes of text
 * @param issuer their {@code iss}, which validation requires
 * @param ttl how long one lasts, in [1m, 24h]
 */
@ConfigurationProperties("bookmarks.gateway.dev-token")
public record DevTokenProperties(
        @DefaultValue("local-development-token-key-not-for-production") String key,
        @DefaultValue("bookmarks-local") String issuer,
        @DefaultValue("1h") Duration ttl) {

    public DevTokenProperties {
        if (key == null || key.getBytes(StandardCharsets.UTF_8).length < 32) {
            throw new IllegalArgumentException("bookmarks.gateway.dev-token.key must be at least 32 bytes");
        }
        if (issuer == null || issuer.isBlank()) {
            throw new IllegalArgumentException("bookmarks.gateway.dev-token.issuer must not be blank");
        }
        if (ttl == null || ttl.compareTo(Duration.ofMinutes(1)) < 0 || ttl.compareTo(Duration.ofHours(24)) > 0) {
            throw new IllegalArgumentException("bookmarks.gateway.dev-token.ttl must be in [1m, 24h]: " + ttl);
        }
    }

    /** Never prints the key. */
    @Override
    public String toString() {
        return "DevTokenProperties[key=(hidden), issuer=" + issuer + ", ttl=" + ttl + "]";
    }
}
