package dev.bookmarks.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class FirewallCharactersTest {

    // Spring Security's own patterns, as StrictServerWebExchangeFirewall compiles them.
    private static final Pattern ASSIGNED_AND_NOT_CONTROL = Pattern.compile("[\\p{IsAssigned}&&[^\\p{IsControl}]]*");
    private static final Pattern HEADER_VALUE = Pattern.compile("[\\p{IsAssigned}&&[[^\\p{IsControl}]||\\t]]*");

    @Test
    void judgesEveryCodePointAsSpringSecuritysPatternsDo() {
        for (int c = 0; c <= Character.MAX_CODE_POINT; c++) {
            String one = new String(Character.toChars(c));
            agree(FirewallCharacters.ASSIGNED_AND_NOT_CONTROL, ASSIGNED_AND_NOT_CONTROL, one);
            agree(FirewallCharacters.HEADER_VALUE, HEADER_VALUE, one);
        }
    }

    @Test
    void judgesWholeStringsAsSpringSecuritysPatternsDo() {
        String[] samples = {"", "Bearer eyJhbGciOi.x-y_z", "a\tb", "a\nb", "a\rb", "x\u0000", "\u007f", "\u009f",
                "\u00a0caf\u00e9", "\ud83d\ude00 emoji", "lone \ud83d surrogate", "\udc00", "\u0378 unassigned",
                "\u2028 line separator", "\u202e bidi"};
        for (String sample : samples) {
            agree(FirewallCharacters.ASSIGNED_AND_NOT_CONTROL, ASSIGNED_AND_NOT_CONTROL, sample);
            agree(FirewallCharacters.HEADER_VALUE, HEADER_VALUE, sample);
        }
    }

    @Test
    void allowsTabInHeaderValuesOnly() {
        assertThat(FirewallCharacters.HEADER_VALUE.test("a\tb")).isTrue();
        assertThat(FirewallCharacters.ASSIGNED_AND_NOT_CONTROL.test("a\tb")).isFalse();
        assertThat(FirewallCharacters.HEADER_VALUE.test("a\nb")).isFalse();
    }

    private static void agree(Predicate<String> loop, Pattern pattern, String value) {
        assertThat(loop.test(value)).as("%s on %s", pattern, value.codePoints()
                .mapToObj(Integer::toHexString).toList()).isEqualTo(pattern.matcher(value).matches());
    }
}
