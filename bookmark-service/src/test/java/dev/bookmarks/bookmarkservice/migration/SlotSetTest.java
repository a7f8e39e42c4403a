package dev.bookmarks.bookmarkservice.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Collections;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Slot sets as a migration target writes them: lists of slots and ranges within the ring's slot count. */
class SlotSetTest {

    @Test
    void slotsAndRangesAreSortedAndMergedWhereTheyOverlapOrTouch() {
        SlotSet set = SlotSet.parse("40,0-15,16,10-12,100-103,7", 1024);

        assertThat(set).hasToString("0-16,40,100-103");
        assertThat(set.contains(0)).isTrue();
        assertThat(set.contains(16)).isTrue();
        assertThat(set.contains(17)).isFalse();
        assertThat(set.contains(40)).isTrue();
        assertThat(set.contains(103)).isTrue();
        assertThat(set.contains(1023)).isFalse();
    }

    @Test
    void aSetIsOneComparisonPerRangeInSql() {
        SlotSet set = SlotSet.parse("3,5-6", 1024);

        assertThat(set.sqlCondition("slot"))
                .isEqualTo("(slot >= :slotLow0 AND slot <= :slotHigh0) OR (slot >= :slotLow1 AND slot <= :slotHigh1)");
        assertThat(set.sqlParameters()).isEqualTo(Map.of("slotLow0", 3, "slotHigh0", 3, "slotLow1", 5, "slotHigh1", 6));
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"", "a", "1-", "-1", "+1", " 1", "1 ", "1,,2", "1,", "0x10", "1-2-3", "9999999999"})
    void whatIsNotAListOfSlotsAndRangesIsRefused(String text) {
        assertThatThrownBy(() -> SlotSet.parse(text, 1024)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aRangeRunningBackwardsIsRefused() {
        assertThatThrownBy(() -> SlotSet.parse("5-3", 1024)).hasMessage("the range 5-3 runs backwards");
    }

    @Test
    void aSlotOutsideTheRingIsRefusedNamingTheRange() {
        assertThatThrownBy(() -> SlotSet.parse("0-1024", 1024))
                .hasMessage("slot 1024 is out of range: the ring this shard holds has slots [0, 1023]");
        assertThat(SlotSet.parse("1023", 1024)).hasToString("1023");
    }

    @Test
    void aSetOfMoreItemsThanTheLimitIsRefusedInFavourOfRanges() {
        String many = String.join(",", Collections.nCopies(SlotSet.MAX_ITEMS + 1, "1"));

        assertThatThrownBy(() -> SlotSet.parse(many, 1024)).hasMessageContaining("write longer sets as ranges");
        assertThat(SlotSet.parse(String.join(",", Collections.nCopies(SlotSet.MAX_ITEMS, "1")), 1024)).hasToString("1");
    }
}
