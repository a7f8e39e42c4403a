package dev.bookmarks.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SlotHashTest {

    /** XXH64 values from the reference xxhsum; the slot is the low 14 bits, checkable by hand. */
    @ParameterizedTest(name = "{0}: XXH64 {1}, slot {2} of 16384")
    @CsvSource({
            "alice, 73A3EA485F2E6049, 8265",
            "bob,   92878A3B42BAD03B, 4155",
            "0,     633457081244AFEC, 12268",
            "A,     13099D40D095B684, 13956",
            "_,     F3956634DFCEB1B6, 12726",
            "-,     7A162EBE4CE6FC55, 15445",
            "...,   0290DC48A78098B7, 6327",
            "0O0o1lI, F991E68B4910C958, 2392"})
    void hashesTheUtf8BytesWithXxh64AndTakesTheLowBits(String userId, String xxh64, int slot) {
        long expected = Long.parseUnsignedLong(xxh64, 16);

        assertThat(SlotHash.hash(userId)).isEqualTo(expected);
        assertThat(expected & 0x3FFF).isEqualTo(slot);
        assertThat(SlotHash.slotOf(userId, 16384)).isEqualTo(slot);
    }

    @Test
    void aSmallerSlotCountKeepsTheLowerBitsOfTheSameSlot() {
        assertThat(SlotHash.slotOf("alice", 1024)).isEqualTo(8265 & 1023);
        assertThat(SlotHash.slotOf("alice", 1 << 20)).isEqualTo((int) (0x73A3EA485F2E6049L & 0xFFFFF));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 512, 1000, 1023, 1025, 3000, 16383, (1 << 20) + 1, 1 << 21, -16384})
    void refusesSlotCountsThatAreNotAPowerOfTwoInRange(int slotCount) {
        assertThatThrownBy(() -> SlotHash.slotOf("alice", slotCount))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("slots must be a power of two in [1024, 1048576]: " + slotCount);
    }

    @Test
    void refusesAnInvalidUserIdBeforeHashing() {
        assertThatThrownBy(() -> SlotHash.hash("")).isInstanceOf(InvalidUserIdException.class);
        assertThatThrownBy(() -> SlotHash.slotOf("\u00e9", 16384)).isInstanceOf(InvalidUserIdException.class);
    }
}
