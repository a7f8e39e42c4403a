package dev.bookmarks.protocol;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The shard's side: accepts a request only if its {@link GatewayHeaders} carry a version 2 signature
 * ({@link RequestSigner}), made with one of the shared secrets, for this shard, over exactly this method, path,
 * query, user, epoch, nonce, body and Idempotency-Key, with a timestamp within {@code window} of this host's
 * clock, and a nonce this verifier has not accepted before. Several secrets allow rotation: gateways sign with the new one
 * while shards still accept the old.
 *
 * <p>Replays: the nonces of accepted signatures are remembered in bounded memory ({@link SeenNonces}). A
 * signature timestamped before this verifier was made is refused, since whether it was accepted before
 * (by this process's predecessor) is not remembered; so is one older than nonces forgotten to stay within
 * {@code capacity}.
 */
public final class RequestVerifier {

    /** The replay memory's default capacity, in nonces (about 80 MB when full). */
    public static final int DEFAULT_CAPACITY = 1_000_000;

    static final String NO_SIGNATURE = "the request carries no gateway signature";
    static final String NOT_A_NUMBER = "the gateway epoch or timestamp is not a number";
    static final String NOT_V2 = "the gateway signature is not version v2, the only version this shard accepts";
    static final String BAD_NONCE = "the gateway nonce is not 22 base64url characters";
    static final String MISMATCH = "the gateway signature does not match this request";
    static final String REPLAYED = "the gateway signature was already used";
    static final String FORGOTTEN = "the gateway signature is older than this shard's memory of used signatures";

    private final List<CanonicalRequest> secrets;
    private final String shardId;
    private final Duration window;
    private final Clock clock;
    private final SeenNonces seen;

    /** With a replay memory of {@value #DEFAULT_CAPACITY} nonces. */
    public RequestVerifier(List<InternalSecret> secrets, String shardId, Duration window, Clock clock) {
        this(secrets, shardId, window, DEFAULT_CAPACITY, clock);
    }

    /**
     * @param secrets accepted secrets, at least one
     * @param shardId this shard's id in the ring: only signatures for it are accepted
     * @param window how far a timestamp may be from this host's clock, either way, in [1s, 5m]
     * @param capacity how many nonces of accepted signatures to remember at most, in [2, 100,000,000]
     */
    public RequestVerifier(List<InternalSecret> secrets, String shardId, Duration window, int capacity, Clock clock) {
        if (secrets.isEmpty()) {
            throw new IllegalArgumentException("at least one internal secret is needed");
        }
        if (shardId == null || shardId.isEmpty()) {
            throw new IllegalArgumentException("the verifier needs the id of the shard it verifies for");
        }
        if (window.compareTo(Duration.ofSeconds(1)) < 0 || window.compareTo(Duration.ofMinutes(5)) > 0) {
            throw new IllegalArgumentException("the signature window must be in [1s, 5m]: " + window);
        }
        this.secrets = secrets.stream().map(secret -> new CanonicalRequest(secret.bytes())).toList();
        this.shardId = shardId;
        this.window = window;
        this.clock = clock;
        this.seen = new SeenNonces(window, capacity, clock.millis());
    }

    /**
     * Verifies a request as received and, when it is accepted, remembers its nonce.
     *
     * @param rawQuery the query without '?', or null
     * @param idempotencyKeys the values of its {@code Idempotency-Key} header lines, in order (empty without)
     * @param body the digest of the body bytes received
     * @param header the first value of a header by name, or null when it is missing
     */
    public Verdict verify(String method, String rawPath, String rawQuery, List<String> idempotencyKeys,
            BodyDigest body, UnaryOperator<String> header) {
        String user = header.apply(GatewayHeaders.USER);
        String epoch = header.apply(GatewayHeaders.EPOCH);
        String timestamp = header.apply(GatewayHeaders.TIMESTAMP);
        String nonce = header.apply(GatewayHeaders.NONCE);
        String signature = header.apply(GatewayHeaders.SIGNATURE);
        if (user == null || epoch == null || timestamp == null || signature == null) {
            return new Verdict.Refused(NO_SIGNATURE);
        }
        if (!signature.startsWith(CanonicalRequest.VERSION + "=")) {
            return new Verdict.Refused(NOT_V2);
        }
        long epochValue;
        long timestampValue;
        try {
            epochValue = Long.parseLong(epoch);
            timestampValue = Long.parseLong(timestamp);
        } catch (NumberFormatException e) {
            return new Verdict.Refused(NOT_A_NUMBER);
        }
        long now = clock.millis();
        long skew = Math.abs(now - timestampValue);
        if (skew > window.toMillis()) {
            return new Verdict.Refused("the gateway signature is " + skew + " ms from this shard's clock, beyond "
                    + window.toMillis() + " ms");
        }
        if (!SeenNonces.isWellFormed(nonce)) {
            return new Verdict.Refused(BAD_NONCE);
        }
        if (!matches(signature, method, rawPath, rawQuery, user, epochValue, timestampValue, nonce, body,
                idempotencyKeys)) {
            return new Verdict.Refused(MISMATCH);
        }
        return switch (seen.admit(nonce, timestampValue, now)) {
            case FRESH -> new Verdict.Verified(user, epochValue);
            case REPLAYED -> new Verdict.Refused(REPLAYED);
            case FORGOTTEN -> new Verdict.Refused(FORGOTTEN);
        };
    }

    private boolean matches(String signature, String method, String rawPath, String rawQuery, String user,
            long epoch, long timestamp, String nonce, BodyDigest body, List<String> idempotencyKeys) {
        byte[] presented = signature.getBytes(StandardCharsets.UTF_8);
        for (CanonicalRequest secret : secrets) {
            String expected = secret.sign(method, rawPath, rawQuery, user, shardId, epoch, timestamp, nonce, body,
                    idempotencyKeys);
            if (MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), presented)) {
                return true;
            }
        }
        return false;
    }

    /** The outcome of {@link #verify}. */
    public sealed interface Verdict {

        /** Signed by a gateway for {@code userId}, routed by ring {@code epoch}. */
        record Verified(String userId, long epoch) implements Verdict {
        }

        /** Not signed, or not for this request, too old, or seen before; {@code reason} is safe to return. */
        record Refused(String reason) implements Verdict {
        }
    }
}
