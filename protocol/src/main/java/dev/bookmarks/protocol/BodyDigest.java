package dev.bookmarks.protocol;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Iterator;

/**
 * The SHA-256 of a request body's exact bytes, as a signature covers it. A request without a body has the
 * digest of no bytes ({@link #EMPTY}). Neither side trusts a digest it is told: the gateway digests the
 * bytes it will send, the shard the bytes it received.
 */
public final class BodyDigest {

    /** The digest of the empty body. */
    public static final BodyDigest EMPTY = of(new byte[0]);

    private final byte[] sha256;

    private BodyDigest(byte[] sha256) {
        this.sha256 = sha256;
    }

    /** The digest of {@code body}. */
    public static BodyDigest of(byte[] body) {
        MessageDigest digest = sha256();
        digest.update(body);
        return new BodyDigest(digest.digest());
    }

    /**
     * The digest of the bytes remaining in {@code buffers}, in order, one after the other (a body held in
     * several buffers). The buffers' positions move to their limits; pass read-only views to keep them.
     */
    public static BodyDigest of(Iterator<ByteBuffer> buffers) {
        MessageDigest digest = sha256();
        while (buffers.hasNext()) {
            digest.update(buffers.next());
        }
        return new BodyDigest(digest.digest());
    }

    /** base64url without padding: the form the canonical request carries. */
    String base64url() {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(sha256);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java runtime", e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BodyDigest other && MessageDigest.isEqual(sha256, other.sha256);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(sha256);
    }

    @Override
    public String toString() {
        return "sha-256=" + base64url();
    }
}
