package dev.bookmarks.ring;

import java.util.Objects;

/**
 * A slot on its way from one shard to another, as a ring records it (see {@link MigrationPhase}). The
 * {@code source} is the slot's owner, the shard {@link Ring#ownerOfSlot} answers, until cutover.
 *
 * @param slot the slot, {@code >= 0}
 * @param source the shard that owns the slot and serves it until cutover
 * @param target the shard that owns the slot after cutover; another shard than {@code source}
 * @param phase what the source serves meanwhile
 */
public record SlotMigration(int slot, Shard source, Shard target, MigrationPhase phase) {

    public SlotMigration {
        Objects.requireNonNull(source, "migration source");
        Objects.requireNonNull(target, "migration target");
        Objects.requireNonNull(phase, "migration phase");
        if (slot < 0) {
            throw new IllegalArgumentException("a migrating slot must be >= 0: " + slot);
        }
        if (source.id().equals(target.id())) {
            throw new IllegalArgumentException("slot " + slot + " cannot migrate from shard "
                    + Shard.quote(source.id()) + " to itself");
        }
    }

    /** Whether the source accepts writes to the slot: only while {@link MigrationPhase#COPYING}. */
    public boolean sourceAcceptsWrites() {
        return phase == MigrationPhase.COPYING;
    }
}
