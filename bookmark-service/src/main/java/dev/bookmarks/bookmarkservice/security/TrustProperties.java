package dev.bookmarks.bookmarkservice.security;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How a shard recognises its gateways ({@code bookmarks.shard.trust.*}).
 *
 * @param secrets the shared internal secrets, newest first (more than one during a rotation); each
 *     {@code base64:...} or text of at least 32 bytes
 * @param window how far a gateway's timestamp may be from this clock, in [1s, 5m]
 * @param enabled false only under the {@code test} profile, for tests of other layers
 * @param rememberedSignatures how many nonces of accepted signatures to remember, so that none is accepted twice,
 *     in [2, 100,000,000] (about 80 bytes each); when it is reached the older half is forgotten and signatures as
 *     old as those are refused, which a shard notices only above about
 *     {@code remembered-signatures / (2 x window)} requests a second
 */
@ConfigurationProperties("bookmarks.shard.trust")
public record TrustProperties(@DefaultValue List<String> secrets, @DefaultValue("30s") Duration window,
        @DefaultValue("true") boolean enabled, @DefaultValue("1000000") int rememberedSignatures) {
}
