package dev.bookmarks.bookmarkservice.bookmarks;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.web.ErrorResponseException;

/**
 * Writes and reads the opaque {@code cursor} of a list ({@link PageCursor}). On the wire: base64url (no padding)
 * of a version byte, the position's time in microseconds, its id, and the first {@value #MAC_BYTES} bytes of an
 * HMAC-SHA256, under a key only the shards hold, over those and the query the cursor was issued for (user, tag,
 * q). A cursor that was damaged, made up, or is used with another user or filter fails that check and is refused
 * with 400; so is one whose time lies outside years 1-9999, which no stored bookmark has. A keyed MAC rather than
 * a digest: otherwise anyone who knows the format could hand the database a position of their choosing (an
 * out-of-range time made PostgreSQL fail the query with a 500).
 *
 * <p>Cursors are written with the first key and accepted under any key, so that a rotation of the internal
 * secret (from which the shards derive these keys) does not break a client paging at that moment.
 */
final class PageCursors {

    private static final byte VERSION = 2;
    private static final int MAC_BYTES = 16;
    private static final int BODY = 1 + Long.BYTES + 2 * Long.BYTES;
    private static final int LENGTH = BODY + MAC_BYTES;
    // base64 of LENGTH bytes without padding, rounded up; longer input is refused before decoding.
    private static final int MAX_ENCODED = (LENGTH * 4 + 2) / 3;
    private static final long MIN_MICROS = micros(Instant.parse("0001-01-01T00:00:00Z"));
    private static final long MAX_MICROS = micros(Instant.parse("9999-12-31T23:59:59.999999Z"));

    private final List<SecretKeySpec> keys;

    /** @param keys HMAC-SHA256 keys of at least 32 bytes, the one to write with first */
    PageCursors(List<SecretKeySpec> keys) {
        if (keys.isEmpty() || keys.stream().anyMatch(k -> k.getEncoded().length < 32)) {
            throw new IllegalArgumentException("page cursor keys must be at least one key of at least 32 bytes");
        }
        this.keys = List.copyOf(keys);
    }

    /** Cursors under a random key of this process only (when no internal secret is configured: tests). */
    static PageCursors withRandomKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return new PageCursors(List.of(new SecretKeySpec(key, "HmacSHA256")));
    }

    /** {@code position} as a cursor for the query {@code (userId, tag, q)}. */
    String encode(PageCursor position, String userId, String tag, String q) {
        ByteBuffer buffer = ByteBuffer.allocate(LENGTH);
        buffer.put(VERSION).putLong(micros(position.createdAt()))
                .putLong(position.id().getMostSignificantBits()).putLong(position.id().getLeastSignificantBits());
        buffer.put(mac(keys.get(0), buffer.array(), userId, tag, q));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(buffer.array());
    }

    /**
     * The position in {@code cursor}, issued for the same query.
     *
     * @throws ErrorResponseException 400 naming {@code cursor} if it is not one a shard issued for this user,
     *     tag and q
     */
    PageCursor decode(String cursor, String userId, String tag, String q) {
        byte[] bytes;
        try {
            bytes = cursor.length() > MAX_ENCODED ? null : Base64.getUrlDecoder().decode(cursor);
        } catch (IllegalArgumentException e) {
            bytes = null;
        }
        if (bytes == null || bytes.length != LENGTH || bytes[0] != VERSION) {
            throw invalid();
        }
        byte[] sent = Arrays.copyOfRange(bytes, BODY, LENGTH);
        byte[] body = bytes;
        if (keys.stream().noneMatch(key -> MessageDigest.isEqual(mac(key, body, userId, tag, q), sent))) {
            throw invalid();
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes, 1, BODY - 1);
        long micros = buffer.getLong();
        if (micros < MIN_MICROS || micros > MAX_MICROS) {
            throw invalid();
        }
        UUID id = new UUID(buffer.getLong(), buffer.getLong());
        return new PageCursor(Instant.EPOCH.plus(micros, ChronoUnit.MICROS), id);
    }

    /** Microseconds since the epoch (ChronoUnit.MICROS.between counts in nanoseconds and overflows before year 1678). */
    private static long micros(Instant instant) {
        return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1_000);
    }

    private static byte[] mac(SecretKeySpec key, byte[] cursor, String userId, String tag, String q) {
        Mac mac;
        try {
            mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java platform has HmacSHA256", e);
        }
        mac.update(cursor, 0, BODY);
        // NUL cannot occur in a valid user id, tag or q, so it separates them unambiguously.
        String query = userId + '\0' + (tag == null ? "" : tag) + '\0' + (q == null ? "" : q);
        mac.update(query.getBytes(StandardCharsets.UTF_8));
        return Arrays.copyOf(mac.doFinal(), MAC_BYTES);
    }

    private static ErrorResponseException invalid() {
        return BookmarkProblems.invalid("cursor",
                "is not a cursor this service issued for this list; start again without a cursor");
    }
}
