package dev.bookmarks.signing;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * What a signature covers, version 1: the lines
 * <pre>
 *   v1
 *   METHOD            upper case, as sent
 *   /raw/path         as it appears on the request line, not decoded
 *   raw query         without '?', empty when there is none
 *   user id
 *   epoch             decimal
 *   timestamp         Unix milliseconds, decimal
 * </pre>
 * joined by '\n', as UTF-8, under HMAC-SHA256, encoded base64url without padding and prefixed
 * {@code v1=}. Every field is covered, so a captured signature is useless for another method, path,
 * query, user, epoch or time.
 */
final class CanonicalRequest {

    static final String VERSION = "v1";

    /**
     * Keyed once; every signature clones it. Looking up the provider and keying a Mac per request
     * would cost more than the HMAC itself on the request path of every gateway and shard.
     */
    private final Mac keyed;

    CanonicalRequest(byte[] secret) {
        try {
            keyed = Mac.getInstance("HmacSHA256");
            keyed.init(new SecretKeySpec(secret, "HmacSHA256"));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is required of every Java runtime", e);
        }
    }

    String sign(String method, String rawPath, String rawQuery, String userId, long epoch, long timestampMillis) {
        String canonical = String.join("\n", VERSION, method, rawPath, rawQuery == null ? "" : rawQuery, userId,
                Long.toString(epoch), Long.toString(timestampMillis));
        return VERSION + "=" + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(mac().doFinal(canonical.getBytes(StandardCharsets.UTF_8)));
    }

    private Mac mac() {
        try {
            return (Mac) keyed.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("the HmacSHA256 provider cannot clone a keyed Mac", e);
        }
    }
}
