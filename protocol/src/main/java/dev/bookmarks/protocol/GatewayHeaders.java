package dev.bookmarks.protocol;

import java.util.List;

/**
 * The headers only a gateway sets on a request to a shard. A gateway removes any copy a client
 * sent before it sets its own; a shard believes them only after {@link RequestVerifier} accepted
 * the signature.
 */
public final class GatewayHeaders {

    /** The user the gateway authenticated (the token's subject). */
    public static final String USER = "X-Bookmarks-User";
    /** The epoch of the ring the gateway routed by. */
    public static final String EPOCH = "X-Bookmarks-Epoch";
    /** When the gateway signed, Unix milliseconds. */
    public static final String TIMESTAMP = "X-Bookmarks-Timestamp";
    /**
     * 128 random bits, base64url without padding (22 characters), new for every request a gateway sends,
     * retries included: a shard accepts each nonce once.
     */
    public static final String NONCE = "X-Bookmarks-Nonce";
    /** {@code v2=} and the base64url HMAC-SHA256 of the canonical request ({@link RequestSigner}). */
    public static final String SIGNATURE = "X-Bookmarks-Signature";

    /** All of them, for stripping client-sent copies. */
    public static final List<String> ALL = List.of(USER, EPOCH, TIMESTAMP, NONCE, SIGNATURE);

    private GatewayHeaders() {
    }
}
