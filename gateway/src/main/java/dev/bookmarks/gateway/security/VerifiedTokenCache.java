package dev.bookmarks.gateway.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import reactor.core.publisher.Mono;

/**
 * A {@link ReactiveJwtDecoder} that remembers the tokens its delegate accepted until each one expires, so that a
 * client's every request after the first costs a map look-up instead of parsing the token's JSON and checking
 * its signature again (profiled: Nimbus parsing and verification was the largest single cost of the resource
 * server). Envoy's JWT filter does the same ({@code jwt_authn}'s {@code jwt_cache_config}).
 *
 * <p>Contract: {@link #decode} answers exactly what the delegate would, as long as the delegate's verdict on a
 * token depends only on the token's bytes and the current time, and time-dependent rules only ever turn a
 * token from good to bad at its {@code exp}: a token is found again only by its exact text, only one the
 * delegate accepted is remembered, and a remembered one is returned only while the clock is before its
 * {@code exp}; from then on every call goes to the delegate again, which refuses it with its own reason. A token
 * without {@code exp} is never remembered (the gateway refuses those anyway). Refusals are never remembered:
 * a wrong token costs a verification each time, behind the per-address limit.
 *
 * <p>What this gives up: a token stays good here until its {@code exp} even if its signing key is withdrawn from
 * the issuer's key set meanwhile. The resource server without the cache behaves the same way while its copy of
 * the key set is current, and short token lifetimes bound both.
 *
 * <p>Memory: at most {@code maxBytes}, counted as twice the token's length (the text is kept as the key and in
 * the {@link Jwt}) plus {@value #ENTRY_OVERHEAD_BYTES} bytes for the parsed headers and claims; past that the
 * least useful tokens are dropped (Caffeine's W-TinyLFU). Expired tokens are dropped as they expire.
 */
final class VerifiedTokenCache implements ReactiveJwtDecoder {

    /** A parsed token's maps and objects beside its text: a generous estimate for a handful of claims. */
    static final int ENTRY_OVERHEAD_BYTES = 1024;

    private final ReactiveJwtDecoder delegate;
    private final Clock clock;
    private final Cache<String, Jwt> verified;

    /**
     * @param delegate the decoder whose accepted tokens are remembered
     * @param maxBytes about how much memory remembered tokens may take; at least 1
     * @param clock what "before {@code exp}" is measured by
     */
    VerifiedTokenCache(ReactiveJwtDecoder delegate, long maxBytes, Clock clock) {
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes must be at least 1: " + maxBytes);
        }
        this.delegate = delegate;
        this.clock = clock;
        this.verified = Caffeine.newBuilder()
                .maximumWeight(maxBytes)
                .weigher((String token, Jwt jwt) -> (int) Math.min(Integer.MAX_VALUE,
                        2L * token.length() + ENTRY_OVERHEAD_BYTES))
                .expireAfter(Expiry.creating((String token, Jwt jwt) -> untilExpiry(jwt)))
                // Maintenance on the calling thread: no pool thread to wake per write, and tests see its effect.
                .executor(Runnable::run)
                .build();
    }

    /**
     * Wraps {@code decoder} in a cache of {@code maxBytes}, or returns it as it is when {@code maxBytes} is 0.
     */
    static ReactiveJwtDecoder wrap(ReactiveJwtDecoder decoder, long maxBytes, Clock clock) {
        return maxBytes == 0 ? decoder : new VerifiedTokenCache(decoder, maxBytes, clock);
    }

    @Override
    public Mono<Jwt> decode(String token) throws JwtException {
        Jwt known = verified.getIfPresent(token);
        if (known != null && clock.instant().isBefore(known.getExpiresAt())) {
            return Mono.just(known);
        }
        return delegate.decode(token).doOnNext(jwt -> {
            Instant expiresAt = jwt.getExpiresAt();
            if (expiresAt != null && clock.instant().isBefore(expiresAt)) {
                verified.put(token, jwt);
            }
        });
    }

    /** How many tokens are remembered now; for tests. */
    long size() {
        verified.cleanUp();
        return verified.estimatedSize();
    }

    private Duration untilExpiry(Jwt jwt) {
        Duration left = Duration.between(clock.instant(), jwt.getExpiresAt());
        return left.isNegative() ? Duration.ZERO : left;
    }
}
