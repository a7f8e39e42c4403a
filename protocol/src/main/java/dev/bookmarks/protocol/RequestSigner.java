package dev.bookmarks.protocol;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The gateway's side: the {@link GatewayHeaders} for a request it forwards to a shard. Every call makes a
 * new nonce, so every attempt at a request (a retry, a re-send after a 421) must be signed again: a shard
 * accepts each signature once.
 */
public final class RequestSigner {

    private final CanonicalRequest canonical;
    private final Clock clock;
    /**
     * One generator per thread: the default {@code SecureRandom} on Linux (NativePRNG) serialises every caller on
     * one process-wide lock, which the gateway's event loops would all queue on for each request's nonce. Each
     * DRBG instance (NIST SP 800-90A, seeded from the operating system) is independent.
     */
    private static final ThreadLocal<SecureRandom> NONCES = ThreadLocal.withInitial(RequestSigner::newGenerator);

    /** Signs with {@code secret}: during a rotation, the newest one (shards accept it and the old one). */
    public RequestSigner(InternalSecret secret, Clock clock) {
        this.canonical = new CanonicalRequest(secret.bytes());
        this.clock = clock;
    }

    /**
     * Signs a request as it will be sent to the shard.
     *
     * @param rawPath the path exactly as on the outgoing request line (not decoded)
     * @param rawQuery the query without '?', or null
     * @param idempotencyKeys the values of the request's {@code Idempotency-Key} header lines as they will be
     *     sent, in order; empty without one
     * @param body the digest of the exact body bytes that will be sent ({@link BodyDigest#EMPTY} without one)
     * @param userId the user the gateway vouches for
     * @param shardId the ring's id of the shard the request is sent to: no other shard accepts the signature
     * @param epoch the epoch of the ring the request was routed by
     * @return header name to value, in {@link GatewayHeaders#ALL} order
     */
    public Map<String, String> sign(String method, String rawPath, String rawQuery, List<String> idempotencyKeys,
            BodyDigest body, String userId, String shardId, long epoch) {
        long now = clock.millis();
        byte[] nonceBytes = new byte[16];
        NONCES.get().nextBytes(nonceBytes);
        String nonce = Base64.getUrlEncoder().withoutPadding().encodeToString(nonceBytes);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(GatewayHeaders.USER, userId);
        headers.put(GatewayHeaders.EPOCH, Long.toString(epoch));
        headers.put(GatewayHeaders.TIMESTAMP, Long.toString(now));
        headers.put(GatewayHeaders.NONCE, nonce);
        headers.put(GatewayHeaders.SIGNATURE, canonical.sign(method, rawPath, rawQuery, userId, shardId, epoch, now,
                nonce, body, idempotencyKeys));
        return headers;
    }

    private static SecureRandom newGenerator() {
        try {
            return SecureRandom.getInstance("DRBG");
        } catch (NoSuchAlgorithmException e) {
            // Every Java 9+ runtime has DRBG; a stripped-down one still has the default generator.
            return new SecureRandom();
        }
    }
}
