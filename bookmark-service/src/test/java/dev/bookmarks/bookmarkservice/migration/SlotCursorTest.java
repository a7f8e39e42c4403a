package dev.bookmarks.bookmarkservice.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Where a walk through a slot set's rows stopped, and how it is written in {@code next} and {@code after}. */
class SlotCursorTest {

    @Test
    void aUserAloneMeansAfterAllOfThatUsersRows() {
        assertThat(SlotCursor.parse("alice")).isEqualTo(new SlotCursor("alice", null));
    }

    @Test
    void theFirstColonEndsTheUserAndTheRestIsThePositionWithinItsRows() {
        SlotCursor cursor = SlotCursor.parse("alice:k:1/&+=");

        assertThat(cursor).isEqualTo(new SlotCursor("alice", "k:1/&+="));
        assertThat(cursor).hasToString("alice:k:1/&+=");
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"", ":x", "not a user", "..", "alice:"})
    void aCursorThatNoWalkHandsOutIsRefused(String text) {
        assertThatThrownBy(() -> SlotCursor.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }
}
