package dev.bookmarks.shard.bookmarks;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Base64;
import java.util.UUID;

/**
 * A position in a user's list: the last bookmark of a page, by the list's order (created_at
 * descending, then id descending). The next page is every bookmark strictly after it in that
 * order (keyset pagination), so bookmarks inserted while a client pages (which are newer, hence
 * before the position) neither shift nor repeat later pages, as they would with an offset.
 *
 * <p>On the wire the cursor is opaque: base64url (no padding) of a version byte, the timestamp in
 * microseconds, the id, and the first {@value #CHECK_BYTES} bytes of a SHA-256 over those and the
 * query the cursor was issued for (user, tag, q). A cursor that was damaged, made up, or is used
 * with another user or filter fails that check and is refused with 400. The check is a digest, not
 * a keyed MAC: someone who knows the format could forge a cursor, but only one that positions a
 * list of their own bookmarks, which gains them nothing.
 *
 * @param createdAt the position's creation time, in microseconds
 * @param id the position's bookmark id
 */
record PageCursor(Instant createdAt, UUID id) {

    private static final byte VERSION = 1;
    private static final int CHECK_BYTES = 12;
    private static final int LENGTH = 1 + Long.BYTES + 2 * Long.BYTES + CHECK_BYTES;
    // base64 of LENGTH bytes without padding, rounded up; longer input is refused before decoding.
    private static final int MAX_ENCODED = (LENGTH * 4 + 2) / 3;

    PageCursor {
        createdAt = createdAt.truncatedTo(ChronoUnit.MICROS);
    }

    /** This position as a cursor for the query {@code (userId, tag, q)}. */
    String encode(String userId, String tag, String q) {
        ByteBuffer buffer = ByteBuffer.allocate(LENGTH);
        buffer.put(VERSION).putLong(micros(createdAt))
                .putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits());
        buffer.put(check(buffer.array(), userId, tag, q));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(buffer.array());
    }

    /**
     * The position in {@code cursor}, issued for the same query.
     *
     * @throws org.springframework.web.ErrorResponseException 400 naming {@code cursor} if it is not
     *     one this service issued for this user, tag and q
     */
    static PageCursor decode(String cursor, String userId, String tag, String q) {
        byte[] bytes;
        try {
            bytes = cursor.length() > MAX_ENCODED ? null : Base64.getUrlDecoder().decode(cursor);
        } catch (IllegalArgumentException e) {
            bytes = null;
        }
        if (bytes == null || bytes.length != LENGTH || bytes[0] != VERSION) {
            throw invalid();
        }
        byte[] expected = check(bytes, userId, tag, q);
        if (!MessageDigest.isEqual(expected, Arrays.copyOfRange(bytes, LENGTH - CHECK_BYTES, LENGTH))) {
            throw invalid();
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes, 1, LENGTH - 1 - CHECK_BYTES);
        long micros = buffer.getLong();
        UUID id = new UUID(buffer.getLong(), buffer.getLong());
        return new PageCursor(Instant.EPOCH.plus(micros, ChronoUnit.MICROS), id);
    }

    private static long micros(Instant instant) {
        return ChronoUnit.MICROS.between(Instant.EPOCH, instant);
    }

    private static byte[] check(byte[] cursor, String userId, String tag, String q) {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
        sha256.update(cursor, 0, LENGTH - CHECK_BYTES);
        // NUL cannot occur in a valid user id, tag or q, so it separates them unambiguously.
        String query = userId + '\0' + (tag == null ? "" : tag) + '\0' + (q == null ? "" : q);
        sha256.update(query.getBytes(StandardCharsets.UTF_8));
        return Arrays.copyOf(sha256.digest(), CHECK_BYTES);
    }

    private static RuntimeException invalid() {
        return BookmarkProblems.invalid("cursor",
                "is not a cursor this service issued for this list; start again without a cursor");
    }
}
