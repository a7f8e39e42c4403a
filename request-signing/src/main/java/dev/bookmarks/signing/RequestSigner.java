package dev.bookmarks.signing;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/** The gateway's side: the four {@link GatewayHeaders} for a request it forwards to a shard. */
public final class RequestSigner {

    private final CanonicalRequest canonical;
    private final Clock clock;

    public RequestSigner(InternalSecret secret, Clock clock) {
        this.canonical = new CanonicalRequest(secret.bytes());
        this.clock = clock;
    }

    /**
     * Signs a request as it will be sent to the shard.
     *
     * @param rawPath the path exactly as on the outgoing request line (not decoded)
     * @param rawQuery the query without '?', or null
     * @return header name to value, in {@link GatewayHeaders#ALL} order
     */
    public Map<String, String> sign(String method, String rawPath, String rawQuery, String userId, long epoch) {
        long now = clock.millis();
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(GatewayHeaders.USER, userId);
        headers.put(GatewayHeaders.EPOCH, Long.toString(epoch));
        headers.put(GatewayHeaders.TIMESTAMP, Long.toString(now));
        headers.put(GatewayHeaders.SIGNATURE, canonical.sign(method, rawPath, rawQuery, userId, epoch, now));
        return headers;
    }
}
