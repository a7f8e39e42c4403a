package dev.bookmarks.protocol;

import java.util.Optional;

/**
 * The one form of a request path that gateways and shards serve. Every path of the API is plain ASCII
 * made of user IDs ({@code [A-Za-z0-9._-]}), bookmark IDs and fixed words, so a client never needs to
 * encode anything; a path in any other form is refused (400) before any filter or handler reads it.
 * That way the raw path that security decisions are made on, the path that is signed, and the path
 * the server's dispatcher routes by are the same string: no decoding, no {@code ;parameters} removed,
 * no dot segments resolved, no slashes merged behind a filter's back.
 *
 * <p>A raw path (as sent, before any decoding) is canonical when it
 * <ul>
 *   <li>starts with {@code /};</li>
 *   <li>contains only the RFC 3986 {@code pchar} characters that need no encoding, minus {@code ;}:
 *       letters, digits, {@code - . _ ~ ! $ & ' ( ) * + , = : @} and {@code /} (so no {@code %}
 *       escapes at all, no {@code ;} path parameters, no backslash, no space, control or non-ASCII
 *       byte);</li>
 *   <li>has no empty segment (no {@code //}, no trailing {@code /}), unless it is {@code /} itself;</li>
 *   <li>has no {@code .} or {@code ..} segment.</li>
 * </ul>
 */
public final class CanonicalPaths {

    private static final boolean[] ALLOWED = new boolean[128];

    static {
        for (char c = 'a'; c <= 'z'; c++) {
            ALLOWED[c] = true;
        }
        for (char c = 'A'; c <= 'Z'; c++) {
            ALLOWED[c] = true;
        }
        for (char c = '0'; c <= '9'; c++) {
            ALLOWED[c] = true;
        }
        for (char c : "-._~!$&'()*+,=:@/".toCharArray()) {
            ALLOWED[c] = true;
        }
    }

    private CanonicalPaths() {
    }

    /**
     * Why {@code rawPath} is not canonical, or empty when it is. The reason names the rule, never echoes
     * the path (it may be long or hostile).
     */
    public static Optional<String> violation(String rawPath) {
        if (rawPath == null || rawPath.isEmpty() || rawPath.charAt(0) != '/') {
            return Optional.of("the path must start with /");
        }
        for (int i = 0; i < rawPath.length(); i++) {
            char c = rawPath.charAt(i);
            if (c >= 128 || !ALLOWED[c]) {
                return Optional.of(switch (c) {
                    case '%' -> "percent-encoding is not accepted in the path: it is plain ASCII, nothing needs encoding";
                    case ';' -> "path parameters (;) are not accepted";
                    case '\\' -> "a backslash is not accepted in the path";
                    default -> "the path may contain only letters, digits and - . _ ~ ! $ & ' ( ) * + , = : @ /"
                            + " (character at index " + i + ")";
                });
            }
        }
        if (rawPath.length() == 1) {
            return Optional.empty();
        }
        int start = 1;
        while (start <= rawPath.length()) {
            int end = rawPath.indexOf('/', start);
            if (end < 0) {
                end = rawPath.length();
            }
            int length = end - start;
            if (length == 0) {
                return Optional.of("the path may not contain an empty segment (// or a trailing /)");
            }
            if ((length == 1 && rawPath.charAt(start) == '.')
                    || (length == 2 && rawPath.charAt(start) == '.' && rawPath.charAt(start + 1) == '.')) {
                return Optional.of("the path may not contain . or .. segments");
            }
            start = end + 1;
        }
        return Optional.empty();
    }

    /** Whether {@code rawPath} is canonical ({@link #violation(String)} is empty). */
    public static boolean isCanonical(String rawPath) {
        return violation(rawPath).isEmpty();
    }
}
