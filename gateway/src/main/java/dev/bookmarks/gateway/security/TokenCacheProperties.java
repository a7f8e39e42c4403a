package dev.bookmarks.gateway.security;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * The cache of verified tokens ({@code bookmarks.gateway.token-cache.*}, {@link VerifiedTokenCache}).
 *
 * @param maxSize roughly how much memory the remembered tokens may take, in [0B, 1GB]; 16 MB by default, some
 *     10,000 typical tokens. 0B turns the cache off: every request's token is parsed and verified again
 */
@ConfigurationProperties("bookmarks.gateway.token-cache")
public record TokenCacheProperties(@DefaultValue("16MB") DataSize maxSize) {

    public TokenCacheProperties {
        if (maxSize == null || maxSize.toBytes() < 0 || maxSize.toBytes() > DataSize.ofGigabytes(1).toBytes()) {
            throw new IllegalArgumentException("bookmarks.gateway.token-cache.max-size must be in [0B, 1GB]: " + maxSize);
        }
    }
}
