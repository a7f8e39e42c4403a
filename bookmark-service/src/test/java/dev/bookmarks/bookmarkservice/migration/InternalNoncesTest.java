package dev.bookmarks.bookmarkservice.migration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bookmarks.bookmarkservice.migration.InternalNonces.Admission;
import org.junit.jupiter.api.Test;

/** The replay memory of shard-to-shard signatures: bounded, and never accepting a signature twice. */
class InternalNoncesTest {

    private static final long WINDOW = 30_000;
    private static final long START = 1_000_000;

    @Test
    void aNonceIsFreshOnceAndAReplayAfterwards() {
        InternalNonces nonces = new InternalNonces(WINDOW, 10, START);

        assertThat(nonces.admit("n", START + 1, START + 1)).isEqualTo(Admission.FRESH);
        assertThat(nonces.admit("n", START + 1, START + 2)).isEqualTo(Admission.REPLAYED);
        assertThat(nonces.admit("m", START + 1, START + 2)).isEqualTo(Admission.FRESH);
    }

    @Test
    void whenFullTheOldestNonceIsForgottenAndSignaturesNoNewerThanItAreRefused() {
        InternalNonces nonces = new InternalNonces(WINDOW, 2, START);
        nonces.admit("a", START + 10, START + 10);
        nonces.admit("b", START + 20, START + 20);

        Admission third = nonces.admit("c", START + 30, START + 30);

        assertThat(third).isEqualTo(Admission.FRESH);
        assertThat(nonces.admit("a", START + 10, START + 31)).as("forgotten, so refused")
                .isEqualTo(Admission.FORGOTTEN);
        assertThat(nonces.admit("d", START + 10, START + 31)).isEqualTo(Admission.FORGOTTEN);
        assertThat(nonces.admit("b", START + 20, START + 31)).isEqualTo(Admission.REPLAYED);
    }

    @Test
    void aNoncePastTheWindowIsForgottenByAgeWithoutRaisingTheFloor() {
        InternalNonces nonces = new InternalNonces(WINDOW, 1, START);
        nonces.admit("a", START + 10, START + 10);

        // Older than "a": had "a" been pushed out by the capacity, the floor would now refuse it. The verifier never
        // asks about a signature this far outside the window; here it shows that age, not room, removed "a".
        Admission older = nonces.admit("b", START + 5, START + WINDOW + 20);

        assertThat(older).isEqualTo(Admission.FRESH);
    }

    @Test
    void aSignatureFromBeforeTheMemoryWasMadeIsRefused() {
        InternalNonces nonces = new InternalNonces(WINDOW, 10, START);

        assertThat(nonces.admit("n", START - 1, START)).isEqualTo(Admission.FORGOTTEN);
        assertThat(nonces.admit("m", START, START)).isEqualTo(Admission.FRESH);
    }
}
