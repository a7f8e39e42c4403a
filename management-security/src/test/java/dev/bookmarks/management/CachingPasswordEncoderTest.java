package dev.bookmarks.management;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bookmarks.protocol.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.security.crypto.password.PasswordEncoder;

class CachingPasswordEncoderTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T00:00:00Z"));
    private final AtomicInteger checks = new AtomicInteger();
    /** Stands for BCrypt: "hash-of-x" matches "x", and every check is counted. */
    private final PasswordEncoder slow = new PasswordEncoder() {
        @Override
        public String encode(CharSequence raw) {
            return "hash-of-" + raw;
        }

        @Override
        public boolean matches(CharSequence raw, String encoded) {
            checks.incrementAndGet();
            return encoded.equals("hash-of-" + raw);
        }
    };

    @Test
    void checksAMatchingPasswordOnceWithinTheCacheTime() {
        CachingPasswordEncoder encoder = new CachingPasswordEncoder(slow, Duration.ofMinutes(5), clock);

        for (int i = 0; i < 100; i++) {
            assertThat(encoder.matches("secret", "hash-of-secret")).isTrue();
        }

        assertThat(checks).hasValue(1);
    }

    @Test
    void checksAgainOnceTheCacheTimeIsOver() {
        CachingPasswordEncoder encoder = new CachingPasswordEncoder(slow, Duration.ofMinutes(5), clock);
        encoder.matches("secret", "hash-of-secret");

        clock.advance(Duration.ofMinutes(5));
        assertThat(encoder.matches("secret", "hash-of-secret")).isTrue();

        assertThat(checks).hasValue(2);
    }

    @Test
    void neverRemembersAWrongPasswordAndMissesWhenTheHashChanges() {
        CachingPasswordEncoder encoder = new CachingPasswordEncoder(slow, Duration.ofMinutes(5), clock);
        assertThat(encoder.matches("secret", "hash-of-secret")).isTrue();

        assertThat(encoder.matches("guess", "hash-of-secret")).isFalse();
        assertThat(encoder.matches("guess", "hash-of-secret")).isFalse();
        assertThat(encoder.matches("secret", "hash-of-new-secret")).isFalse();

        assertThat(checks).hasValue(4);
    }

    @Test
    void aCacheTimeOfZeroChecksEveryTime() {
        CachingPasswordEncoder encoder = new CachingPasswordEncoder(slow, Duration.ZERO, clock);

        encoder.matches("secret", "hash-of-secret");
        encoder.matches("secret", "hash-of-secret");

        assertThat(checks).hasValue(2);
    }

}
