package dev.bookmarks.protocol;

/**
 * The public API's own headers, which clients, gateways and shards all read or write. The headers only a
 * gateway sets for a shard are {@link GatewayHeaders}.
 */
public final class ApiHeaders {

    /**
     * A client's key for one POST, the same on every retry of it (IETF httpapi idempotency-key draft): the shard
     * stores the first answer with it and replays that answer for a retry with the same key and body.
     */
    public static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    /** {@code true} on an answer that a shard replayed from an earlier attempt with the same Idempotency-Key. */
    public static final String IDEMPOTENT_REPLAYED = "Idempotent-Replayed";

    private ApiHeaders() {
    }
}
