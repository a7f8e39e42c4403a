package dev.bookmarks.ring;

/**
 * The user ID rule shared by every part of the system: 1 to 64 characters from
 * {@code [A-Za-z0-9._-]}, and neither {@code .} nor {@code ..} (a path segment that a server would resolve
 * away, so a URL could never name that user). Because every allowed character is ASCII, a valid ID's UTF-8
 * bytes are its chars, which is what {@link SlotHash} hashes.
 */
public final class UserIds {

    /** The rule as a regular expression, for documentation and problem details. */
    public static final String PATTERN = "[A-Za-z0-9._-]{1,64}";

    /** The longest valid user ID, in characters (and bytes). */
    public static final int MAX_LENGTH = 64;

    private UserIds() {
    }

    /** Returns whether {@code userId} matches {@value #PATTERN} and is not a dot segment; {@code null} is not valid. */
    public static boolean isValid(CharSequence userId) {
        return userId != null && firstInvalidIndex(userId) < 0 && !userId.isEmpty()
                && userId.length() <= MAX_LENGTH && !isDotSegment(userId);
    }

    /**
     * Returns {@code userId} if it matches {@value #PATTERN} and is neither {@code .} nor {@code ..}.
     *
     * @throws InvalidUserIdException if it does not (including {@code null}), with a message that
     *     says why without echoing the input
     */
    public static String requireValid(String userId) {
        if (userId == null) {
            throw new InvalidUserIdException("user ID must match " + PATTERN + ": it is missing");
        }
        int length = userId.length();
        if (length == 0 || length > MAX_LENGTH) {
            throw new InvalidUserIdException(
                    "user ID must match " + PATTERN + ": it has " + length + " characters");
        }
        int bad = firstInvalidIndex(userId);
        if (bad >= 0) {
            throw new InvalidUserIdException(String.format(
                    "user ID must match %s: character %d is U+%04X", PATTERN, bad + 1,
                    (int) userId.charAt(bad)));
        }
        if (isDotSegment(userId)) {
            throw new InvalidUserIdException("user ID must match " + PATTERN + " and not be . or ..: it is a dot segment");
        }
        return userId;
    }

    private static boolean isDotSegment(CharSequence s) {
        return (s.length() == 1 && s.charAt(0) == '.') || (s.length() == 2 && s.charAt(0) == '.' && s.charAt(1) == '.');
    }

    private static int firstInvalidIndex(CharSequence s) {
        for (int i = 0, n = Math.min(s.length(), MAX_LENGTH + 1); i < n; i++) {
            if (!isAllowed(s.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    private static boolean isAllowed(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '.' || c == '_' || c == '-';
    }
}
