package dev.bookmarks.protocol;

/**
 * Where the user is in a public API path: {@code /api/users/{userId}} and everything below it. Gateways and
 * shards read the user from the raw path, exactly as the shard receives it, through this one parser; the
 * path is canonical by then ({@link CanonicalPaths}), so the raw and the decoded path are the same string.
 */
public final class ApiPaths {

    /** Every user's resources are under this prefix. */
    public static final String USERS = "/api/users/";

    private ApiPaths() {
    }

    /**
     * The raw user segment of a path under {@value #USERS}: the text up to the next {@code /} or the end,
     * possibly empty or not a valid user ID. Null when the path is not under {@value #USERS} (or is null).
     */
    public static String userSegment(String rawPath) {
        if (rawPath == null || !rawPath.startsWith(USERS)) {
            return null;
        }
        int end = rawPath.indexOf('/', USERS.length());
        return end < 0 ? rawPath.substring(USERS.length()) : rawPath.substring(USERS.length(), end);
    }
}
