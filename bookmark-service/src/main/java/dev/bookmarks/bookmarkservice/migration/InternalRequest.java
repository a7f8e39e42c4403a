package dev.bookmarks.bookmarkservice.migration;

import dev.bookmarks.protocol.InternalSecret;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;

/**
 * What a shard-to-shard signature covers, version {@code i1}: the line {@code i1} and then
 * <pre>
 *   METHOD              upper case, as sent
 *   /raw/path           as on the request line, not decoded
 *   raw query           without '?', empty when there is none
 *   caller shard id     the ring's id of the shard that sends the request
 *   callee shard id     the ring's id of the shard it is sent to
 *   timestamp           Unix milliseconds, decimal
 *   nonce               as in the nonce header
 *   body digest         SHA-256 of the body's exact bytes (of none without a body), base64url, no padding
 * </pre>
 * each written, as in the gateway's form, as its length in UTF-8 bytes, {@code ':'}, the value and
 * {@code '\n'}. HMAC-SHA256 under a key derived from the internal secret for this purpose alone
 * ({@link InternalSecret#derive} of {@value #PURPOSE}), base64url without padding, prefixed {@code i1=}.
 *
 * <p>Why not the gateway's form ({@code dev.bookmarks.protocol.CanonicalRequest}): it signs a user and a ring
 * epoch that the gateway vouches for, and a shard serves that user's path only. A shard-to-shard call vouches
 * for no user; it reads the data of whole slots. Signing it as a gateway request would mean putting a shard id
 * where a user id belongs, and would let one signature be read as the other kind. With its own fields and its
 * own key, a gateway signature never verifies here and this one never verifies as a gateway's: each side
 * computes a different HMAC, under a different key, over a different first line.
 */
final class InternalRequest {

    static final String VERSION = "i1";
    static final String PURPOSE = "shard-to-shard-request/v1";

    private final Mac keyed;

    InternalRequest(InternalSecret secret) {
        try {
            keyed = Mac.getInstance("HmacSHA256");
            keyed.init(secret.derive(PURPOSE));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is required of every Java runtime", e);
        }
    }

    /** The body-digest field for {@code body}: SHA-256, base64url without padding. */
    static String digest(byte[] body) {
        try {
            return Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java runtime", e);
        }
    }

    /** @param bodyDigest {@link #digest} of the body's exact bytes */
    String sign(String method, String rawPath, String rawQuery, String callerShardId, String calleeShardId,
            long timestampMillis, String nonce, String bodyDigest) {
        StringBuilder canonical = new StringBuilder(256).append(VERSION).append('\n');
        for (String field : List.of(method, rawPath, rawQuery == null ? "" : rawQuery, callerShardId, calleeShardId,
                Long.toString(timestampMillis), nonce, bodyDigest)) {
            canonical.append(field.getBytes(StandardCharsets.UTF_8).length).append(':').append(field).append('\n');
        }
        return VERSION + "=" + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(mac().doFinal(canonical.toString().getBytes(StandardCharsets.UTF_8)));
    }

    private Mac mac() {
        try {
            return (Mac) keyed.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("the HmacSHA256 provider cannot clone a keyed Mac", e);
        }
    }
}
