package dev.bookmarks.bookmarkservice;

/**
 * Which paths of the public port are shard-to-shard calls rather than gateway calls. The two kinds are told apart
 * by path alone, and each is guarded by exactly one filter: {@code security.GatewaySignatureFilter} for every
 * other path, {@code migration.InternalSignatureFilter} for these. Both read the raw path after
 * {@code security.CanonicalPathFilter} refused every non-canonical spelling, so the prefix seen here is the
 * prefix Spring MVC dispatches on.
 */
public final class InternalPaths {

    /** Every internal path starts with this; no gateway ever forwards one (it routes {@code /api/users/} only). */
    public static final String PREFIX = "/internal/";

    private InternalPaths() {
    }

    /** Whether the raw, canonical request path is a shard-to-shard one. */
    public static boolean isInternal(String rawPath) {
        return rawPath != null && rawPath.startsWith(PREFIX);
    }
}
