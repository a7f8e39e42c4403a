package dev.bookmarks.protocol;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The secret gateways and shards share. Configured as text: {@code base64:...} for random bytes
 * (for example {@code openssl rand -base64 32}), anything else is taken as UTF-8. At least
 * {@value #MIN_BYTES} bytes, the HMAC-SHA256 block-size guidance for a full-strength key.
 */
public final class InternalSecret {

    public static final int MIN_BYTES = 32;

    private final byte[] bytes;

    private InternalSecret(byte[] bytes) {
        this.bytes = bytes;
    }

    /**
     * @throws IllegalArgumentException if the secret is missing, not valid base64 after
     *     {@code base64:}, or shorter than {@value #MIN_BYTES} bytes; the message never contains it
     */
    public static InternalSecret parse(String configured) {
        if (configured == null || configured.isBlank()) {
            throw new IllegalArgumentException("the internal secret is missing: set it to at least " + MIN_BYTES
                    + " bytes (for example base64: followed by the output of openssl rand -base64 32)");
        }
        byte[] bytes;
        if (configured.startsWith("base64:")) {
            try {
                bytes = Base64.getDecoder().decode(configured.substring("base64:".length()).trim());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("the internal secret after base64: is not valid base64");
            }
        } else {
            bytes = configured.getBytes(StandardCharsets.UTF_8);
        }
        if (bytes.length < MIN_BYTES) {
            throw new IllegalArgumentException(
                    "the internal secret must be at least " + MIN_BYTES + " bytes: it has " + bytes.length);
        }
        return new InternalSecret(bytes);
    }

    byte[] bytes() {
        return bytes.clone();
    }

    /**
     * A key for another purpose, derived from this secret so that one configured secret serves several uses
     * without any two sharing a key: HMAC-SHA256(secret, "bookmarks/" + purpose), one block of HKDF-Expand
     * (RFC 5869) with the secret as the pseudorandom key. The secret itself never leaves this class.
     *
     * @param purpose a fixed label, e.g. {@code "page-cursor/v2"}
     * @return a 32-byte HMAC-SHA256 key
     */
    public SecretKeySpec derive(String purpose) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(bytes, "HmacSHA256"));
            return new SecretKeySpec(mac.doFinal(("bookmarks/" + purpose).getBytes(StandardCharsets.UTF_8)),
                    "HmacSHA256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java platform has HmacSHA256", e);
        }
    }

    @Override
    public String toString() {
        return "InternalSecret[" + bytes.length + " bytes]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InternalSecret other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }
}
