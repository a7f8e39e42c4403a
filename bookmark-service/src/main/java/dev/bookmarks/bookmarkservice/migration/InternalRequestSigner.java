package dev.bookmarks.bookmarkservice.migration;

import dev.bookmarks.protocol.InternalSecret;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The calling shard's side: the {@link InternalHeaders} for one request to another shard. Every call makes a new
 * nonce, so every attempt (a retry too) is signed again: the callee accepts each signature once.
 */
final class InternalRequestSigner {

    /** One generator per thread, as the gateway's signer keeps: the default one serialises callers on one lock. */
    private static final ThreadLocal<SecureRandom> NONCES = ThreadLocal.withInitial(InternalRequestSigner::generator);

    private final InternalRequest canonical;
    private final String callerShardId;
    private final Clock clock;

    /** Signs as {@code callerShardId} with {@code secret}: during a rotation, the newest one. */
    InternalRequestSigner(InternalSecret secret, String callerShardId, Clock clock) {
        this.canonical = new InternalRequest(secret);
        this.callerShardId = callerShardId;
        this.clock = clock;
    }

    /**
     * @param rawPath the path exactly as on the outgoing request line
     * @param rawQuery the query exactly as sent, without '?', or null
     * @param body the exact bytes of the body that will be sent (none: an empty array)
     * @param calleeShardId the ring's id of the shard the request goes to: no other shard accepts it
     * @return header name to value, in {@link InternalHeaders#ALL} order
     */
    Map<String, String> sign(String method, String rawPath, String rawQuery, byte[] body, String calleeShardId) {
        long now = clock.millis();
        byte[] nonceBytes = new byte[16];
        NONCES.get().nextBytes(nonceBytes);
        String nonce = Base64.getUrlEncoder().withoutPadding().encodeToString(nonceBytes);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(InternalHeaders.CALLER, callerShardId);
        headers.put(InternalHeaders.TIMESTAMP, Long.toString(now));
        headers.put(InternalHeaders.NONCE, nonce);
        headers.put(InternalHeaders.SIGNATURE,
                canonical.sign(method, rawPath, rawQuery, callerShardId, calleeShardId, now, nonce,
                        InternalRequest.digest(body)));
        return headers;
    }

    private static SecureRandom generator() {
        try {
            return SecureRandom.getInstance("DRBG");
        } catch (NoSuchAlgorithmException e) {
            return new SecureRandom();
        }
    }
}
