package dev.bookmarks.ring;

/**
 * Maps a user ID to its hash slot. This is the one definition every gateway, shard and client
 * uses, so it is specified to be reproducible in any language:
 *
 * <pre>
 *   slot = XXH64(utf8(userId), seed = 0) mod slotCount
 * </pre>
 *
 * where XXH64 is the 64-bit xxHash (the reference implementation's {@code XXH64()}, checked against
 * its published test vectors), read as an unsigned 64-bit integer, and {@code slotCount} is a power
 * of two, so the modulo is the low {@code log2(slotCount)} bits. For example {@code "alice"} hashes
 * to {@code 0x73A3EA485F2E6049}, so its slot of 16384 is {@code 0x2049 = 8265}
 * ({@code printf '%s' alice | xxhsum -H1 -} prints the hash).
 *
 * <p>Both methods validate the ID ({@link UserIds#PATTERN}) and allocate nothing for a valid one.
 */
public final class SlotHash {

    private SlotHash() {
    }

    /**
     * Returns XXH64 (seed 0) of the user ID's UTF-8 bytes.
     *
     * @throws InvalidUserIdException if the ID does not match {@link UserIds#PATTERN}
     */
    public static long hash(String userId) {
        return XxHash64.hash(UserIds.requireValid(userId), 0L);
    }

    /**
     * Returns the user's slot in {@code [0, slotCount)}.
     *
     * @param slotCount a power of two in [{@value Ring#MIN_SLOT_COUNT}, {@value Ring#MAX_SLOT_COUNT}]
     * @throws InvalidUserIdException if the ID does not match {@link UserIds#PATTERN}
     * @throws IllegalArgumentException if {@code slotCount} is out of range
     */
    public static int slotOf(String userId, int slotCount) {
        return (int) (hash(userId) & (Ring.requireSlotCount(slotCount) - 1));
    }
}
