package dev.bookmarks.bookmarkservice.bookmarks;

import java.text.Normalizer;
import java.util.Locale;

/**
 * The tag rule. A tag is normalised before it is checked, stored or compared: surrounding white
 * space is stripped, letters are lower-cased ({@link Locale#ROOT}, so the result does not depend on
 * the server's locale) and the result is put in Unicode NFC, so that "Java", " java " and "JAVA"
 * are one tag, and "é" typed precomposed or as "e" + accent is one tag too.
 *
 * <p>A normalised tag has 1 to {@value #MAX_LENGTH} Unicode code points, each a letter, a combining
 * mark, a decimal digit, or one of {@code - _ . + #}. Letters of every script are allowed because
 * the service is for users of every language; white space, commas, slashes and other punctuation
 * are not, so a tag is one token that needs no quoting in a UI and splits cleanly from a list
 * ("c++", "c#", "node.js", "web-dev" and "日本語" are tags; "two words" and "a,b" are not). A
 * client sending {@code +} or {@code #} in the {@code tag} query parameter must percent-encode it,
 * as for any reserved character.
 */
final class Tags {

    /** The most distinct tags one bookmark may have, after normalisation. */
    static final int MAX_TAGS = 32;

    /** The longest tag, in Unicode code points, after normalisation. */
    static final int MAX_LENGTH = 64;

    private Tags() {
    }

    /**
     * Returns {@code raw} normalised.
     *
     * @throws IllegalArgumentException if the normalised tag is empty, too long or has a character
     *     outside the rule; the message says which, without echoing the tag
     */
    static String normalize(String raw) {
        String tag = Normalizer.normalize(raw.strip().toLowerCase(Locale.ROOT), Normalizer.Form.NFC);
        if (tag.isEmpty()) {
            throw new IllegalArgumentException("must not be empty or blank");
        }
        int length = tag.codePointCount(0, tag.length());
        if (length > MAX_LENGTH) {
            throw new IllegalArgumentException("must have at most " + MAX_LENGTH + " characters, has " + length);
        }
        for (int i = 0, position = 1; i < tag.length(); position++) {
            int c = tag.codePointAt(i);
            if (!isAllowed(c)) {
                throw new IllegalArgumentException(String.format(
                        "character %d (U+%04X) is not allowed: use letters, digits and - _ . + #", position, c));
            }
            i += Character.charCount(c);
        }
        return tag;
    }

    private static boolean isAllowed(int c) {
        if (Character.isLetter(c) || Character.isDigit(c)) {
            return true;
        }
        int type = Character.getType(c);
        return type == Character.NON_SPACING_MARK || type == Character.COMBINING_SPACING_MARK
                || type == Character.ENCLOSING_MARK
                || c == '-' || c == '_' || c == '.' || c == '+' || c == '#';
    }
}
