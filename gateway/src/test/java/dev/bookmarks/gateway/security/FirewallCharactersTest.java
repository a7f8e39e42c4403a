package dev.bookmarks.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.springframework.security.web.server.firewall.StrictServerWebExchangeFirewall;

/** The loops against Spring Security's own predicates, which match regular expressions. */
class FirewallCharactersTest {

    @Test
    void judgesEveryCodePointAsSpringSecurityDoes() {
        for (int c = 0; c <= Character.MAX_CODE_POINT; c++) {
            String one = new String(Character.toChars(c));
            agree(one);
            agree("ab" + one + "cd");
        }
    }

    @Test
    void judgesWholeStringsAsSpringSecurityDoes() {
        String[] samples = {"", "Bearer eyJhbGciOi.x-y_z", "a\tb", "a\nb", "a\rb", "x\u0000", "\u007f", "\u009f",
                "\u00a0caf\u00e9", "\ud83d\ude00 emoji", "lone \ud83d surrogate", "\udc00", "\u0378 unassigned",
                "\u2028 line separator", "\u202e bidi", null};
        for (String sample : samples) {
            agree(sample);
        }
    }

    @Test
    void allowsTabInHeaderValuesOnly() {
        assertThat(FirewallCharacters.HEADER_VALUE.test("a\tb")).isTrue();
        assertThat(FirewallCharacters.ASSIGNED_AND_NOT_CONTROL.test("a\tb")).isFalse();
        assertThat(FirewallCharacters.HEADER_VALUE.test("a\nb")).isFalse();
    }

    private static void agree(String value) {
        same(FirewallCharacters.HEADER_VALUE, StrictServerWebExchangeFirewall.ALLOWED_HEADER_VALUES, value);
        same(FirewallCharacters.ASSIGNED_AND_NOT_CONTROL, StrictServerWebExchangeFirewall.ALLOWED_HEADER_NAMES, value);
        same(FirewallCharacters.ASSIGNED_AND_NOT_CONTROL, StrictServerWebExchangeFirewall.ALLOWED_PARAMETER_NAMES, value);
    }

    private static void same(Predicate<String> loop, Predicate<String> spring, String value) {
        if (loop.test(value) != spring.test(value)) {
            throw new AssertionError("disagree on " + (value == null ? "null"
                    : value.codePoints().mapToObj(Integer::toHexString).toList()));
        }
    }
}
