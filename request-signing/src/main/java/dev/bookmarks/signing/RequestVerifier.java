package dev.bookmarks.signing;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * The shard's side: accepts a request only if its {@link GatewayHeaders} carry a signature, made
 * with one of the shared secrets, over exactly this method, path, query, user, epoch and a
 * timestamp within {@code window} of this host's clock. Several secrets allow rotation: gateways
 * sign with the new one while shards still accept the old.
 */
public final class RequestVerifier {

    private final List<CanonicalRequest> secrets;
    private final Duration window;
    private final Clock clock;

    /**
     * @param secrets accepted secrets, at least one
     * @param window how far a timestamp may be from this host's clock, either way, in [1s, 5m]
     */
    public RequestVerifier(List<InternalSecret> secrets, Duration window, Clock clock) {
        if (secrets.isEmpty()) {
            throw new IllegalArgumentException("at least one internal secret is needed");
        }
        if (window.compareTo(Duration.ofSeconds(1)) < 0 || window.compareTo(Duration.ofMinutes(5)) > 0) {
            throw new IllegalArgumentException("the signature window must be in [1s, 5m]: " + window);
        }
        this.secrets = secrets.stream().map(secret -> new CanonicalRequest(secret.bytes())).toList();
        this.window = window;
        this.clock = clock;
    }

    /** Verifies the headers of a request as received; any of them may be null (missing). */
    public Verdict verify(String method, String rawPath, String rawQuery, String user, String epoch,
            String timestamp, String signature) {
        if (user == null || epoch == null || timestamp == null || signature == null) {
            return new Verdict.Refused("the request carries no gateway signature");
        }
        long epochValue;
        long timestampValue;
        try {
            epochValue = Long.parseLong(epoch);
            timestampValue = Long.parseLong(timestamp);
        } catch (NumberFormatException e) {
            return new Verdict.Refused("the gateway epoch or timestamp is not a number");
        }
        long skew = Math.abs(clock.millis() - timestampValue);
        if (skew > window.toMillis()) {
            return new Verdict.Refused("the gateway signature is " + skew + " ms from this shard's clock, beyond "
                    + window.toMillis() + " ms");
        }
        byte[] presented = signature.getBytes(StandardCharsets.UTF_8);
        for (CanonicalRequest secret : secrets) {
            String expected = secret.sign(method, rawPath, rawQuery, user, epochValue, timestampValue);
            if (MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), presented)) {
                return new Verdict.Verified(user, epochValue);
            }
        }
        return new Verdict.Refused("the gateway signature does not match this request");
    }

    /** The outcome of {@link #verify}. */
    public sealed interface Verdict {

        /** Signed by a gateway for {@code userId}, routed by ring {@code epoch}. */
        record Verified(String userId, long epoch) implements Verdict {
        }

        /** Not signed, or not for this request, or too old; {@code reason} is safe to return. */
        record Refused(String reason) implements Verdict {
        }
    }
}
