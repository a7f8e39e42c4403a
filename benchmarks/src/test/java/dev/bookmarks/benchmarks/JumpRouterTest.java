package dev.bookmarks.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JumpRouterTest {

    /** Outputs of the paper's C++ code, as other implementations (ClickHouse, go-jump) check them. */
    @Test
    void matchesPublishedOutputs() {
        assertThat(JumpRouter.bucket(1, 1)).isEqualTo(0);
        assertThat(JumpRouter.bucket(42, 57)).isEqualTo(43);
        assertThat(JumpRouter.bucket(256, 1024)).isEqualTo(520);
        assertThat(JumpRouter.bucket(0xDEAD10CCL, 1)).isEqualTo(0);
        assertThat(JumpRouter.bucket(0xDEAD10CCL, 666)).isEqualTo(361);
        assertThat(JumpRouter.bucket(Long.parseUnsignedLong("16045690984833335023"), 255)).isEqualTo(237);
    }

    @Test
    void growingOnlyMovesKeysToTheNewBucket() {
        for (long key = 0; key < 10_000; key++) {
            long k = key * 0x9E3779B97F4A7C15L;
            int before = JumpRouter.bucket(k, 10);
            int after = JumpRouter.bucket(k, 11);
            assertThat(after).isIn(before, 10);
        }
    }
}
