package dev.bookmarks.protocol;

/** Headers a shard sets on its answers for the gateway, beside the body's problem. */
public final class ShardHeaders {

    /**
     * On a 503 for a write to a slot frozen for its cutover, the slot: the shard is well, one slot is moving and
     * writes to it resume in a moment ({@code Retry-After}). A gateway retries such an answer, and does not count
     * it against the shard's circuit breaker as it counts a shard that cannot serve.
     */
    public static final String SLOT_MOVING = "X-Bookmarks-Slot-Moving";

    private ShardHeaders() {
    }
}
