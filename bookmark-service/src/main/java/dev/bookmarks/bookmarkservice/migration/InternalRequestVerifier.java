package dev.bookmarks.bookmarkservice.migration;

import dev.bookmarks.protocol.InternalSecret;
import dev.bookmarks.ring.Shard;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * The called shard's side: accepts a request only if its {@link InternalHeaders} carry an {@code i1} signature
 * ({@link InternalRequest}) made under a key derived from one of the internal secrets, for this shard, over
 * exactly this method, path, query, caller, nonce and body, with a timestamp within {@code window} of this
 * host's clock, and a nonce not accepted before ({@link InternalNonces}).
 */
final class InternalRequestVerifier {

    /** The replay memory's capacity, in nonces (about 100 bytes each). */
    static final int CAPACITY = 100_000;

    static final String NO_SIGNATURE = "the request carries no internal signature";
    static final String NOT_I1 = "the internal signature is not version i1, the only version this shard accepts";
    static final String BAD_CALLER = "the calling shard's id is not a shard id";
    static final String NOT_A_NUMBER = "the internal timestamp is not a number";
    static final String BAD_NONCE = "the internal nonce is not 22 base64url characters";
    static final String MISMATCH = "the internal signature does not match this request";
    static final String REPLAYED = "the internal signature was already used";
    static final String FORGOTTEN = "the internal signature is older than this shard's memory of used signatures";

    private static final Pattern SHARD_ID = Pattern.compile(Shard.ID_PATTERN);

    private final List<InternalRequest> secrets;
    private final String shardId;
    private final Duration window;
    private final Clock clock;
    private final InternalNonces nonces;

    /**
     * @param secrets the accepted internal secrets, at least one (several during a rotation)
     * @param shardId this shard's id: only signatures for it are accepted
     * @param window how far a timestamp may be from this host's clock, either way, in [1s, 5m]
     */
    InternalRequestVerifier(List<InternalSecret> secrets, String shardId, Duration window, int capacity, Clock clock) {
        if (secrets.isEmpty()) {
            throw new IllegalArgumentException("at least one internal secret is needed");
        }
        if (window.compareTo(Duration.ofSeconds(1)) < 0 || window.compareTo(Duration.ofMinutes(5)) > 0) {
            throw new IllegalArgumentException("the signature window must be in [1s, 5m]: " + window);
        }
        this.secrets = secrets.stream().map(InternalRequest::new).toList();
        this.shardId = shardId;
        this.window = window;
        this.clock = clock;
        this.nonces = new InternalNonces(window.toMillis(), capacity, clock.millis());
    }

    /** What {@link #verify} found. */
    sealed interface Verdict {

        /** Signed by shard {@code callerShardId} for this request. */
        record Verified(String callerShardId) implements Verdict {
        }

        /** Not signed, or not for this request or shard, outside the window, or seen before; safe to return. */
        record Refused(String reason) implements Verdict {
        }
    }

    /**
     * Verifies a request as received and, when it is accepted, remembers its nonce.
     *
     * @param rawQuery the query without '?', or null
     * @param body the body's bytes as received
     * @param header the first value of a header by name, or null when it is missing
     */
    Verdict verify(String method, String rawPath, String rawQuery, byte[] body, UnaryOperator<String> header) {
        String caller = header.apply(InternalHeaders.CALLER);
        String timestamp = header.apply(InternalHeaders.TIMESTAMP);
        String nonce = header.apply(InternalHeaders.NONCE);
        String signature = header.apply(InternalHeaders.SIGNATURE);
        if (caller == null || timestamp == null || nonce == null || signature == null) {
            return new Verdict.Refused(NO_SIGNATURE);
        }
        if (!signature.startsWith(InternalRequest.VERSION + "=")) {
            return new Verdict.Refused(NOT_I1);
        }
        if (!SHARD_ID.matcher(caller).matches()) {
            return new Verdict.Refused(BAD_CALLER);
        }
        long signed;
        try {
            signed = Long.parseLong(timestamp);
        } catch (NumberFormatException e) {
            return new Verdict.Refused(NOT_A_NUMBER);
        }
        long now = clock.millis();
        long skew = Math.abs(now - signed);
        if (skew > window.toMillis()) {
            return new Verdict.Refused("the internal signature is " + skew + " ms from this shard's clock, beyond "
                    + window.toMillis() + " ms");
        }
        if (!isWellFormed(nonce)) {
            return new Verdict.Refused(BAD_NONCE);
        }
        byte[] presented = signature.getBytes(StandardCharsets.UTF_8);
        String bodyDigest = InternalRequest.digest(body);
        boolean matches = false;
        for (InternalRequest secret : secrets) {
            // Every secret is tried, match or not: the time taken tells nothing about which one matched.
            matches |= MessageDigest.isEqual(presented, secret.sign(method, rawPath, rawQuery, caller, shardId, signed,
                    nonce, bodyDigest).getBytes(StandardCharsets.UTF_8));
        }
        if (!matches) {
            return new Verdict.Refused(MISMATCH);
        }
        return switch (nonces.admit(nonce, signed, now)) {
            case FRESH -> new Verdict.Verified(caller);
            case REPLAYED -> new Verdict.Refused(REPLAYED);
            case FORGOTTEN -> new Verdict.Refused(FORGOTTEN);
        };
    }

    /** 16 bytes in base64url without padding, in the one spelling that decodes to them. */
    private static boolean isWellFormed(String nonce) {
        if (nonce.length() != 22) {
            return false;
        }
        try {
            byte[] bytes = Base64.getUrlDecoder().decode(nonce);
            return bytes.length == 16
                    && Arrays.equals(nonce.getBytes(StandardCharsets.US_ASCII),
                            Base64.getUrlEncoder().withoutPadding().encode(bytes));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
