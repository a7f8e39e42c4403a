package dev.bookmarks.protocol;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * What a signature covers, version 2: the line {@code v2} and then these fields, in this order,
 * <pre>
 *   METHOD                upper case, as sent
 *   /raw/path             as it appears on the request line, not decoded
 *   raw query             without '?', empty when there is none
 *   user id
 *   shard id              the ring's id of the shard the request is sent to
 *   epoch                 decimal
 *   timestamp             Unix milliseconds, decimal
 *   nonce                 as in the X-Bookmarks-Nonce header
 *   body digest           SHA-256 of the body's exact bytes (of no bytes without a body), base64url, no padding
 *   n                     how many Idempotency-Key header lines the request carries, decimal (0 without)
 *   key 1 .. key n        each line's value, in order
 * </pre>
 * each written as its length in UTF-8 bytes (decimal), {@code ':'}, the value and {@code '\n'}, so that no
 * value, whatever it contains, can be read as another field or move a boundary. The whole is HMAC-SHA256'd
 * as UTF-8, encoded base64url without padding and prefixed {@code v2=}. For example, a POST of
 * {@code {}} with key {@code k-1}:
 * <pre>
 *   v2
 *   4:POST
 *   26:/api/users/alice/bookmarks
 *   0:
 *   5:alice
 *   7:shard-1
 *   1:7
 *   13:1764676800000
 *   22:YS1ub25jZS1vZi0xNi1ieQ
 *   43:RBNvo1WzZ4oRRq0W9-hknpT7T8If536DEMBg9hyq_4o
 *   1:1
 *   3:k-1
 * </pre>
 * Every field is covered, so a captured signature is useless for another method, path, query, user, shard,
 * epoch, time, body or key; the nonce lets a shard refuse the same signature twice, and the shard id keeps
 * another shard from accepting it once more (one that took over the user's slot since, for example).
 */
final class CanonicalRequest {

    static final String VERSION = "v2";

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

    String sign(String method, String rawPath, String rawQuery, String userId, String shardId, long epoch,
            long timestampMillis, String nonce, BodyDigest body, List<String> idempotencyKeys) {
        StringBuilder canonical = new StringBuilder(256).append(VERSION).append('\n');
        field(canonical, method);
        field(canonical, rawPath);
        field(canonical, rawQuery == null ? "" : rawQuery);
        field(canonical, userId);
        field(canonical, shardId);
        field(canonical, Long.toString(epoch));
        field(canonical, Long.toString(timestampMillis));
        field(canonical, nonce);
        field(canonical, body.base64url());
        field(canonical, Integer.toString(idempotencyKeys.size()));
        for (String key : idempotencyKeys) {
            field(canonical, key);
        }
        return VERSION + "=" + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(mac().doFinal(canonical.toString().getBytes(StandardCharsets.UTF_8)));
    }

    private static void field(StringBuilder canonical, String value) {
        canonical.append(value.getBytes(StandardCharsets.UTF_8).length).append(':').append(value).append('\n');
    }

    private Mac mac() {
        try {
            return (Mac) keyed.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("the HmacSHA256 provider cannot clone a keyed Mac", e);
        }
    }
}
