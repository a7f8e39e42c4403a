package dev.bookmarks.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SlotRangesTest {

    @Test
    void writesOneSlotAsItselfAndTwoConsecutiveOnesAsARange() {
        assertThat(SlotRanges.format(new int[] {7})).isEqualTo("7");
        assertThat(SlotRanges.format(new int[] {5, 6})).isEqualTo("5-6");
        assertThat(SlotRanges.format(new int[] {5, 7})).isEqualTo("5,7");
    }

    @Test
    void sortsMergesRunsAndIgnoresRepeats() {
        assertThat(SlotRanges.format(new int[] {40, 3, 0, 2, 1, 2, 40})).isEqualTo("0-3,40");
        assertThat(SlotRanges.format(new int[] {16383, 0, 16382, 100, 101, 102})).isEqualTo("0,100-102,16382-16383");
    }

    @Test
    void writesEverySlotOfARingAsOneRange() {
        int[] all = new int[16384];
        for (int slot = 0; slot < all.length; slot++) {
            all[slot] = slot;
        }

        assertThat(SlotRanges.format(all)).isEqualTo("0-16383");
    }

    @Test
    void leavesTheCallersArrayAsItWas() {
        int[] slots = {3, 1, 2};

        SlotRanges.format(slots);

        assertThat(slots).containsExactly(3, 1, 2);
    }

    @Test
    void refusesNoSlotsAndANegativeOne() {
        assertThatThrownBy(() -> SlotRanges.format(new int[0])).hasMessage("a slot set names at least one slot");
        assertThatThrownBy(() -> SlotRanges.format(new int[] {4, -1})).hasMessage("slots are at least 0: -1");
    }
}
