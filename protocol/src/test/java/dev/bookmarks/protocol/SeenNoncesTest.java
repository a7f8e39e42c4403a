package dev.bookmarks.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bookmarks.protocol.SeenNonces.Admission;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The replay memory on a clock the test passes in: windows of 30 s, times in milliseconds. */
class SeenNoncesTest {

    private static final Duration WINDOW = Duration.ofSeconds(30);
    private static final long W = WINDOW.toMillis();
    private static final long START = 1_000_000_000L;

    private int next;

    @Test
    void acceptsANonceOnceAndRefusesItAgainAcrossARotation() {
        SeenNonces seen = new SeenNonces(WINDOW, 1000, START);
        String nonce = nonce();

        assertThat(seen.admit(nonce, START + 10, START + 10)).isEqualTo(Admission.FRESH);
        assertThat(seen.admit(nonce, START + 10, START + 20)).isEqualTo(Admission.REPLAYED);
        // One period later it is in the previous generation: still remembered.
        assertThat(seen.admit(nonce, START + 10, START + 2 * W)).isEqualTo(Admission.REPLAYED);
        // Two periods later it is forgotten, and below the floor.
        assertThat(seen.admit(nonce, START + 10, START + 4 * W)).isEqualTo(Admission.FORGOTTEN);
    }

    @Test
    void refusesSignaturesMadeBeforeItWasMadeAndAcceptsThoseFromThatMomentOn() {
        SeenNonces seen = new SeenNonces(WINDOW, 1000, START);

        assertThat(seen.admit(nonce(), START - 1, START)).isEqualTo(Admission.FORGOTTEN);
        assertThat(seen.admit(nonce(), START, START)).isEqualTo(Admission.FRESH);
    }

    /** Rotating by time alone refuses nothing the window would accept, however the requests are spread. */
    @Test
    void rotatingByTimeNeverRefusesASignatureInsideTheWindow() {
        SeenNonces seen = new SeenNonces(WINDOW, 10_000_000, START);

        for (long now = START + W; now < START + 20 * W; now += 997) {
            for (long skew : new long[] {-W, -W / 2, 0, W / 2, W}) {
                assertThat(seen.admit(nonce(), now + skew, now)).as("signed at %d, now %d", now + skew, now)
                        .isEqualTo(Admission.FRESH);
            }
        }
        assertThat(seen.floor()).isLessThan(START + 20 * W - W);
    }

    @Test
    void neverHoldsMoreThanItsCapacityAndStillRefusesEveryReplay() {
        SeenNonces seen = new SeenNonces(WINDOW, 10, START);
        List<String> accepted = new ArrayList<>();
        List<Long> times = new ArrayList<>();

        for (int i = 0; i < 1000; i++) {
            String nonce = nonce();
            long time = START + i;
            assertThat(seen.admit(nonce, time, time)).isEqualTo(Admission.FRESH);
            accepted.add(nonce);
            times.add(time);
            assertThat(seen.size()).isLessThanOrEqualTo(10);
        }
        for (int i = 0; i < accepted.size(); i++) {
            assertThat(seen.admit(accepted.get(i), times.get(i), START + 1000)).as("replay of nonce %d", i)
                    .isIn(Admission.REPLAYED, Admission.FORGOTTEN);
        }
    }

    @Test
    void atItsCapacityForgetsTheOlderGenerationAndRefusesSignaturesUpToItsNewest() {
        SeenNonces seen = new SeenNonces(WINDOW, 4, START);
        seen.admit(nonce(), START + 1, START + 1);
        seen.admit(nonce(), START + 5, START + 2);
        // The current generation is full (2 of 4): this one starts a new one.
        seen.admit(nonce(), START + 3, START + 3);
        assertThat(seen.floor()).as("nothing forgotten yet").isEqualTo(START - 1);
        seen.admit(nonce(), START + 4, START + 4);
        // Full again: the first generation (newest signature START + 5) is forgotten.
        seen.admit(nonce(), START + 6, START + 6);

        assertThat(seen.floor()).isEqualTo(START + 5);
        assertThat(seen.size()).isEqualTo(3);
        assertThat(seen.admit(nonce(), START + 5, START + 7)).isEqualTo(Admission.FORGOTTEN);
        assertThat(seen.admit(nonce(), START + 6, START + 7)).isEqualTo(Admission.FRESH);
    }

    @Test
    void takesOnlyNoncesOf128BitsInBase64url() {
        assertThat(SeenNonces.isWellFormed(nonce())).isTrue();
        assertThat(SeenNonces.isWellFormed("AAAAAAAAAAAAAAAAAAAA-_")).isTrue();
        assertThat(SeenNonces.isWellFormed(null)).isFalse();
        assertThat(SeenNonces.isWellFormed("AAAAAAAAAAAAAAAAAAAAA")).isFalse();
        assertThat(SeenNonces.isWellFormed("AAAAAAAAAAAAAAAAAAAAAAA")).isFalse();
        assertThat(SeenNonces.isWellFormed("AAAAAAAAAAAAAAAAAAAAA=")).isFalse();
        assertThat(SeenNonces.isWellFormed("AAAAAAAAAAAAAAAAAAAAA+")).isFalse();
    }

    @Test
    void refusesACapacityOutsideItsRange() {
        assertThatThrownBy(() -> new SeenNonces(WINDOW, 1, START))
                .hasMessage("the replay memory's capacity must be in [2, 100000000]: 1");
        assertThatThrownBy(() -> new SeenNonces(WINDOW, 100_000_001, START))
                .hasMessage("the replay memory's capacity must be in [2, 100000000]: 100000001");
    }

    /** Distinct, deterministic nonces. */
    private String nonce() {
        ByteBuffer bytes = ByteBuffer.allocate(16).putLong(0x5eed).putLong(next++);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.array());
    }
}
