package dev.bookmarks.registry;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.util.HexFormat;

/**
 * What a ring signature covers and how it is stored in {@code P:ring:signature}.
 *
 * <p>The signed message is {@value #DOMAIN}, a zero byte, the key prefix in UTF-8, a zero byte and
 * the exact ring bytes of {@code P:ring}. The label keeps a ring signature from ever being valid as
 * anything else signed by the same key; the prefix keeps a ring written for one environment (say
 * {@code staging}) from being accepted by another that shares Redis and keys ({@code bookmarks});
 * prefixes cannot contain a zero byte, so the boundaries are unambiguous.
 *
 * <p>The stored value is ASCII: {@code ed25519 <key id> <signature in Base64>}, where the key id is
 * the first 8 bytes of SHA-256 of the public key's X.509 encoding, in hex: what logs, health and
 * {@code redis-cli} show to tell keys apart.
 */
final class RingSignatures {

    static final String DOMAIN = "bookmarks ring signature v1";
    static final String ALGORITHM = "ed25519";

    private RingSignatures() {
    }

    static byte[] message(String keyPrefix, byte[] ring) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(ring.length + 64);
        out.writeBytes(DOMAIN.getBytes(StandardCharsets.US_ASCII));
        out.write(0);
        out.writeBytes(keyPrefix.getBytes(StandardCharsets.UTF_8));
        out.write(0);
        out.writeBytes(ring);
        return out.toByteArray();
    }

    static String keyId(PublicKey key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
