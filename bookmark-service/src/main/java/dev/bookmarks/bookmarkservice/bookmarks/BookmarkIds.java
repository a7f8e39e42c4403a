package dev.bookmarks.bookmarkservice.bookmarks;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Bookmark ids: UUID version 7 (RFC 9562), 48 bits of Unix milliseconds then 74 random bits.
 *
 * <p>Why this format: an id is made by the shard alone, with no sequence to coordinate, and is
 * unique across all shards, so a user's bookmarks can later move to another shard (a slot
 * migration) without renumbering or colliding. The time prefix keeps new ids together at the end
 * of the primary-key index instead of scattering inserts over it as random (v4) UUIDs do. The 74
 * random bits make ids impractical to guess and say nothing about how many bookmarks exist, which
 * a counter would. Both databases have a native 16-byte UUID type.
 */
final class BookmarkIds {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern CANONICAL =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private BookmarkIds() {
    }

    /** A new version 7 id for a bookmark created at {@code createdAt}. */
    static UUID next(Instant createdAt) {
        long millis = createdAt.toEpochMilli();
        long randA = RANDOM.nextInt(1 << 12);
        long randB = RANDOM.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL;
        long mostSigBits = (millis << 16) | 0x7000L | randA;
        long leastSigBits = 0x8000_0000_0000_0000L | randB;
        return new UUID(mostSigBits, leastSigBits);
    }

    /**
     * Parses an id from a path: the canonical 36-character form, hex digits of either case.
     * {@link UUID#fromString} alone would also take forms like {@code 1-2-3-4-5}, giving one
     * bookmark many URLs.
     *
     * @throws org.springframework.web.ErrorResponseException 400 naming {@code id} otherwise
     */
    static UUID parse(String id) {
        if (id == null || !CANONICAL.matcher(id).matches()) {
            throw BookmarkProblems.invalid("id", "must be a UUID like 0190a5c2-7b1e-7c3d-9f00-1a2b3c4d5e6f");
        }
        return UUID.fromString(id.toLowerCase(Locale.ROOT));
    }
}
