package dev.bookmarks.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UserIdsTest {

    @ParameterizedTest
    @ValueSource(strings = {"a", "Z", "0", "_", "-", "...", ".a", "a.", ".-", "-_-", "0O0o1lI", "l1Il1I",
            "alice", "Alice.Smith-42_x",
            "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ.."})
    void acceptsIdsOfOneToSixtyFourAllowedCharacters(String id) {
        assertThat(UserIds.isValid(id)).isTrue();
        assertThat(UserIds.requireValid(id)).isSameAs(id);
    }

    @ParameterizedTest
    @ValueSource(strings = {"al ice", "alice/", "a@b", "a+b", "a:b", "a%20", "\u00e9", "\u0430lice",
            "\uff10", "a\u200bb", "a\u0000", "alice\n", "\ud83d\ude00", "a\\b", "a'b", "..%2f"})
    void rejectsCharactersOutsideTheAllowedSet(String id) {
        assertThat(UserIds.isValid(id)).isFalse();
        assertThatThrownBy(() -> UserIds.requireValid(id))
                .isInstanceOf(InvalidUserIdException.class)
                .hasMessageStartingWith("user ID must match [A-Za-z0-9._-]{1,64}: character ");
    }

    @ParameterizedTest
    @ValueSource(strings = {".", ".."})
    void rejectsTheDotSegmentsWhichNoUrlCanName(String id) {
        assertThat(UserIds.isValid(id)).isFalse();
        assertThatThrownBy(() -> UserIds.requireValid(id))
                .isInstanceOf(InvalidUserIdException.class)
                .hasMessage("user ID must match [A-Za-z0-9._-]{1,64} and not be . or ..: it is a dot segment");
    }

    @Test
    void rejectsTheEmptyIdAndSaysItsLength() {
        assertThat(UserIds.isValid("")).isFalse();
        assertThatThrownBy(() -> UserIds.requireValid(""))
                .isInstanceOf(InvalidUserIdException.class)
                .hasMessage("user ID must match [A-Za-z0-9._-]{1,64}: it has 0 characters");
    }

    @Test
    void rejectsSixtyFiveCharactersButAcceptsSixtyFour() {
        String max = "x".repeat(64);

        assertThat(UserIds.requireValid(max)).isEqualTo(max);
        assertThatThrownBy(() -> UserIds.requireValid(max + "x"))
                .isInstanceOf(InvalidUserIdException.class)
                .hasMessage("user ID must match [A-Za-z0-9._-]{1,64}: it has 65 characters");
    }

    @Test
    void rejectsNull() {
        assertThat(UserIds.isValid(null)).isFalse();
        assertThatThrownBy(() -> UserIds.requireValid(null))
                .isInstanceOf(InvalidUserIdException.class)
                .hasMessage("user ID must match [A-Za-z0-9._-]{1,64}: it is missing");
    }

    @Test
    void namesTheOffendingCharacterByPositionAndCodePointWithoutEchoingTheInput() {
        assertThatThrownBy(() -> UserIds.requireValid("bob<script>"))
                .hasMessage("user ID must match [A-Za-z0-9._-]{1,64}: character 4 is U+003C")
                .message().doesNotContain("script");
    }
}
