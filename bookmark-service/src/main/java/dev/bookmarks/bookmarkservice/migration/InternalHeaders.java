package dev.bookmarks.bookmarkservice.migration;

import java.util.List;

/**
 * The headers of a shard-to-shard request ({@link InternalRequest}). Names of their own, not the gateway's
 * {@code X-Bookmarks-*}: a request carries one kind of signature, and a shard's refusal says which it lacked.
 */
final class InternalHeaders {

    /** The ring's id of the calling shard. */
    static final String CALLER = "X-Bookmarks-Internal-Caller";
    /** When the caller signed, Unix milliseconds. */
    static final String TIMESTAMP = "X-Bookmarks-Internal-Timestamp";
    /** 128 random bits, base64url without padding (22 characters), new for every request. */
    static final String NONCE = "X-Bookmarks-Internal-Nonce";
    /** {@code i1=} and the base64url HMAC-SHA256 of the canonical request. */
    static final String SIGNATURE = "X-Bookmarks-Internal-Signature";

    static final List<String> ALL = List.of(CALLER, TIMESTAMP, NONCE, SIGNATURE);

    private InternalHeaders() {
    }
}
