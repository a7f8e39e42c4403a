package dev.bookmarks.registry;

import java.nio.charset.StandardCharsets;

/**
 * The registry's Redis layout, for prefix {@code P} (default {@code bookmarks}); docs/redis-layout.md
 * says the same for operators.
 *
 * <pre>
 *   P:ring              string  the ring, binary (ring module, RingCodec format version 1)
 *   P:ring:epoch        string  the ring's epoch in decimal; absent means 0 (no ring yet)
 *   P:ring:changed-at   string  Redis server time of the last change, epoch milliseconds
 *   P:ring:signature    string  "ed25519 keyId base64", the registry's signature of P:ring
 *   P:ring:changes      channel the new epoch in decimal, published on every change
 *   P:heartbeat:{shard} string  "v1 ttlMillis startedAtMillis url", expires after ttlMillis
 *   P:migration:import:{target}:{source}  string  a target's report of its copy ({@link ImportReports})
 *   P:migration:rows:{shard}              string  a shard's rows per slot ({@link SlotRows})
 *   P:migration:plan|control|progress     string  the registry's resharding (shard-registry's ReshardingStore)
 * </pre>
 *
 * The four ring keys change together, in one Lua script that compares the epoch first, so Redis
 * never holds a half-written ring.
 */
public final class RedisKeys {

    private final String prefix;
    private final String ring;
    private final String epoch;
    private final String changedAt;
    private final String signature;
    private final String channel;
    private final String heartbeatPrefix;

    public RedisKeys(String prefix) {
        this.prefix = prefix;
        this.ring = prefix + ":ring";
        this.epoch = prefix + ":ring:epoch";
        this.changedAt = prefix + ":ring:changed-at";
        this.signature = prefix + ":ring:signature";
        this.channel = prefix + ":ring:changes";
        this.heartbeatPrefix = prefix + ":heartbeat:";
    }

    /** The key prefix, which every ring signature covers. */
    public String prefix() {
        return prefix;
    }

    public String ring() {
        return ring;
    }

    public String epoch() {
        return epoch;
    }

    public String changedAt() {
        return changedAt;
    }

    public String signature() {
        return signature;
    }

    public String channel() {
        return channel;
    }

    public String heartbeat(String shardId) {
        return heartbeatPrefix + shardId;
    }

    /** Where {@code target} reports its copy of the slots that move to it from {@code source}. */
    public String importReport(String target, String source) {
        return prefix + ":migration:import:" + target + ":" + source;
    }

    /** Where {@code shardId} publishes how many rows it holds of each slot. */
    public String slotRows(String shardId) {
        return prefix + ":migration:rows:" + shardId;
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
