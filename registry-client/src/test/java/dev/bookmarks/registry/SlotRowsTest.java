package dev.bookmarks.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bookmarks.registry.SlotRows.Counts;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A shard's rows per slot survive their trip through Redis exactly, and a damaged value reads as none. */
class SlotRowsTest {

    static final Instant AT = Instant.parse("2026-12-04T08:00:00.123Z");

    @Test
    void countsReadBackAsWrittenSlotForSlotUpToTheLargestCount() {
        int[] perSlot = new int[1024];
        perSlot[0] = 1;
        perSlot[513] = 70_000;
        perSlot[1023] = Integer.MAX_VALUE;

        Counts read = Counts.parse(new Counts(perSlot, AT).toText()).orElseThrow();

        assertThat(read.perSlot()).isEqualTo(perSlot);
        assertThat(read.slotCount()).isEqualTo(1024);
        assertThat(read.of(513)).isEqualTo(70_000);
        assertThat(read.measuredAt()).isEqualTo(AT);
    }

    @Test
    void theTextIsTheVersionTheSlotCountTheTimeAndFourBytesPerSlotBigEndian() {
        assertThat(new Counts(new int[] {1, 256}, AT).toText()).isEqualTo("v1 2 " + AT.toEpochMilli() + " AAAAAQAAAQA=");
    }

    @Test
    void aDamagedOrUnknownValueReadsAsNone() {
        assertThat(Counts.parse("v2 2 0 AAAAAQAAAQA=")).isEmpty();
        assertThat(Counts.parse("v1 3 0 AAAAAQAAAQA=")).as("fewer counts than slots").isEmpty();
        assertThat(Counts.parse("v1 2 0 not*base64")).isEmpty();
        assertThat(Counts.parse("v1 two 0 AAAAAQAAAQA=")).isEmpty();
        assertThat(Counts.parse("v1 2 0 /////wAAAQA=")).as("a negative count").isEmpty();
        assertThat(Counts.parse("v1 2")).isEmpty();
    }

    @Test
    void aNegativeCountIsRefusedAndTheCountsCannotBeChangedFromOutside() {
        int[] perSlot = {3, 4};
        Counts counts = new Counts(perSlot, AT);
        perSlot[0] = 99;
        counts.perSlot()[1] = 99;

        assertThat(counts.perSlot()).containsExactly(3, 4);
        assertThatThrownBy(() -> new Counts(new int[] {1, -1}, AT)).hasMessage("row counts are at least 0: -1");
    }
}
