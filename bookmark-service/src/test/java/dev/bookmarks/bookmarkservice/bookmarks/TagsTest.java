package dev.bookmarks.bookmarkservice.bookmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TagsTest {

    @ParameterizedTest(name = "\"{0}\" is \"{1}\"")
    @CsvSource(delimiter = '|', value = {
            "Java|java",
            "'  spaced  '|spaced",
            "C++|c++",
            "C#|c#",
            "Node.JS|node.js",
            "snake_case|snake_case",
            "web-dev|web-dev",
            "日本語|日本語",
            "ÉCOLE|école",
            "2024|2024"})
    void aTagIsStrippedLowerCasedAndKept(String raw, String normalised) {
        assertThat(Tags.normalize(raw)).isEqualTo(normalised);
    }

    @ParameterizedTest(name = "decomposed \"{0}\"")
    @ValueSource(strings = {"cafe\u0301", "CAFE\u0301"})
    void decomposedAndPrecomposedAccentsAreOneTag(String raw) {
        assertThat(Tags.normalize(raw)).isEqualTo("caf\u00e9");
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"", "   ", "two words", "a,b", "a/b", "a?b", "tab\tinside", "quote\"", "emoji\uD83D\uDE00",
            "x\uD800"})
    void aTagOutsideTheRuleIsRefused(String raw) {
        assertThatThrownBy(() -> Tags.normalize(raw)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest(name = "{0} characters")
    @ValueSource(ints = {1, 64})
    void aTagOfOneToSixtyFourCharactersIsAllowed(int length) {
        assertThat(Tags.normalize("é".repeat(length))).hasSize(length);
    }

    @ParameterizedTest(name = "{0} characters")
    @ValueSource(ints = {65, 200})
    void aTagOfMoreThanSixtyFourCharactersIsRefused(int length) {
        assertThatThrownBy(() -> Tags.normalize("a".repeat(length))).hasMessageContaining("at most 64");
    }
}
