package dev.bookmarks.bookmarkservice.bookmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.web.ErrorResponseException;

class IdempotencyKeyTest {

    @Test
    void noHeaderIsNoKey() {
        assertThat(IdempotencyKey.fromHeader(List.of())).isEmpty();
    }

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
            "8e03978e-40d5-43e8-bc93-6894a57f9324|8e03978e-40d5-43e8-bc93-6894a57f9324",
            "\"8e03978e\"|8e03978e",
            "\"with space, and comma\"|with space, and comma",
            "\"esc\\\"aped\\\\\"|esc\"aped\\",
            "a~!@#$%^&*()_+|a~!@#$%^&*()_+"})
    void aKeyIsTakenBareOrAsAQuotedString(String header, String key) {
        assertThat(IdempotencyKey.fromHeader(List.of(header))).isEqualTo(Optional.of(new IdempotencyKey(key)));
    }

    @Test
    void aKeyOf255CharactersIsAllowed() {
        assertThat(IdempotencyKey.fromHeader(List.of("k".repeat(255)))).isPresent();
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"", "\"\"", "\"unclosed", "\"bad \\escape\"", "\"bare \" quote\"", "a,b", "a b", "caf\u00e9",
            "tab\there"})
    void aKeyOutsideTheRuleIsRefused(String header) {
        assertThatThrownBy(() -> IdempotencyKey.fromHeader(List.of(header))).isInstanceOf(ErrorResponseException.class);
    }

    @Test
    void aKeyLongerThan255CharactersIsRefused() {
        assertThatThrownBy(() -> IdempotencyKey.fromHeader(List.of("k".repeat(256))))
                .isInstanceOf(ErrorResponseException.class);
    }

    @Test
    void aKeySentTwiceIsRefused() {
        assertThatThrownBy(() -> IdempotencyKey.fromHeader(List.of("a", "a"))).isInstanceOf(ErrorResponseException.class);
    }

    @Test
    void aRetentionUnderTwentyFourHoursIsRefused() {
        assertThatThrownBy(() -> new IdempotencyProperties(Duration.ofHours(23), Duration.ofMinutes(15),
                Duration.ofSeconds(30))).hasMessageContaining("at least 24h");
        assertThat(new IdempotencyProperties(Duration.ofHours(48), Duration.ofMinutes(1), Duration.ofSeconds(30))
                .retention()).isEqualTo(Duration.ofHours(48));
    }
}
