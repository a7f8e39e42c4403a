package dev.bookmarks.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bookmarks.protocol.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.util.unit.DataSize;
import reactor.core.publisher.Mono;

class VerifiedTokenCacheTest {

    private static final Instant NOW = Instant.parse("2026-12-02T12:00:00Z");

    private final MutableClock clock = new MutableClock(NOW);
    private final CountingDecoder delegate = new CountingDecoder();

    @Test
    void answersARememberedTokenWithoutVerifyingItAgain() {
        VerifiedTokenCache cache = new VerifiedTokenCache(delegate, 1_000_000, clock);

        Jwt first = cache.decode("good:600").block();
        Jwt second = cache.decode("good:600").block();

        assertThat(second).isSameAs(first);
        assertThat(delegate.calls).containsExactly("good:600");
    }

    @Test
    void asksTheDelegateAgainFromTheTokensExpiryOn() {
        VerifiedTokenCache cache = new VerifiedTokenCache(delegate, 1_000_000, clock);
        cache.decode("good:600").block();

        clock.advance(Duration.ofSeconds(599));
        cache.decode("good:600").block();
        assertThat(delegate.calls).hasSize(1);

        clock.advance(Duration.ofSeconds(1));
        assertThatThrownBy(() -> cache.decode("good:600").block()).isInstanceOf(BadJwtException.class)
                .hasMessageContaining("expired");
        assertThat(delegate.calls).hasSize(2);
    }

    @Test
    void neverRemembersARefusedToken() {
        VerifiedTokenCache cache = new VerifiedTokenCache(delegate, 1_000_000, clock);

        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> cache.decode("bad").block()).isInstanceOf(BadJwtException.class);
        }

        assertThat(delegate.calls).containsExactly("bad", "bad", "bad");
        assertThat(cache.size()).isZero();
    }

    @Test
    void neverRemembersATokenWithoutAnExpiry() {
        VerifiedTokenCache cache = new VerifiedTokenCache(delegate, 1_000_000, clock);

        cache.decode("forever").block();
        cache.decode("forever").block();

        assertThat(delegate.calls).containsExactly("forever", "forever");
        assertThat(cache.size()).isZero();
    }

    @Test
    void findsATokenOnlyByItsExactText() {
        VerifiedTokenCache cache = new VerifiedTokenCache(delegate, 1_000_000, clock);
        cache.decode("good:600").block();

        // Each variant is another token to the cache: the delegate decides on it (refusing the first here).
        cache.decode("GOOD:600").onErrorResume(BadJwtException.class, e -> Mono.empty()).block();
        cache.decode("good:600 ").onErrorResume(BadJwtException.class, e -> Mono.empty()).block();

        assertThat(delegate.calls).containsExactly("good:600", "GOOD:600", "good:600 ");
    }

    @Test
    void keepsNoMoreTokensThanItsSizeAllows() {
        // Each 8-character token weighs 2 * 8 + 1024 bytes: room for four.
        VerifiedTokenCache cache = new VerifiedTokenCache(delegate, 4 * (16 + VerifiedTokenCache.ENTRY_OVERHEAD_BYTES), clock);

        for (int i = 100; i < 200; i++) {
            cache.decode("good:" + i).block();
        }

        assertThat(cache.size()).isLessThanOrEqualTo(4);
    }

    @Test
    void isLeftOutWhenItsSizeIsZero() {
        assertThat(VerifiedTokenCache.wrap(delegate, 0, clock)).isSameAs(delegate);
        assertThat(VerifiedTokenCache.wrap(delegate, 1, clock)).isInstanceOf(VerifiedTokenCache.class);
    }

    @Test
    void acceptsSizesFromZeroToOneGigabyte() {
        assertThat(new TokenCacheProperties(DataSize.ofBytes(0)).maxSize()).isEqualTo(DataSize.ofBytes(0));
        assertThat(new TokenCacheProperties(DataSize.ofGigabytes(1)).maxSize()).isEqualTo(DataSize.ofGigabytes(1));
        assertThatThrownBy(() -> new TokenCacheProperties(DataSize.ofBytes(DataSize.ofGigabytes(1).toBytes() + 1)))
                .hasMessage("bookmarks.gateway.token-cache.max-size must be in [0B, 1GB]: 1073741825B");
        assertThatThrownBy(() -> new TokenCacheProperties(DataSize.ofBytes(-1)))
                .hasMessageContaining("must be in [0B, 1GB]");
    }

    /**
     * Accepts {@code good:<seconds to live>} (expiring that long after the clock's time when first seen) and
     * {@code forever} (no expiry); refuses anything else, and a {@code good} token past its expiry.
     */
    private final class CountingDecoder implements ReactiveJwtDecoder {

        final List<String> calls = new ArrayList<>();
        private final Map<String, Instant> expiries = new HashMap<>();

        @Override
        public Mono<Jwt> decode(String token) {
            calls.add(token);
            if (token.equals("forever")) {
                return Mono.just(jwt(token, null));
            }
            if (!token.startsWith("good:")) {
                return Mono.error(new BadJwtException("not a token"));
            }
            Instant expiresAt = expiries.computeIfAbsent(token,
                    t -> clock.instant().plusSeconds(Long.parseLong(t.substring(5).strip())));
            if (!clock.instant().isBefore(expiresAt)) {
                return Mono.error(new BadJwtException("Jwt expired at " + expiresAt));
            }
            return Mono.just(jwt(token, expiresAt));
        }

        private Jwt jwt(String token, Instant expiresAt) {
            Jwt.Builder builder = Jwt.withTokenValue(token).header("alg", "HS256").subject("alice")
                    .issuedAt(clock.instant());
            return expiresAt == null ? builder.build() : builder.expiresAt(expiresAt).build();
        }
    }
}
