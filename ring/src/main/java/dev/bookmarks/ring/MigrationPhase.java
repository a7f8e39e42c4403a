package dev.bookmarks.ring;

/**
 * Where a migrating slot is on its way from its owner (the source) to its target. Each phase change is
 * a new ring, one epoch higher, so every holder of a ring agrees on who serves the slot. The phases in
 * order, and what each asks of the two shards:
 * <ol>
 *   <li>{@link #COPYING}: the source serves reads and writes; the target copies the slot's data;</li>
 *   <li>{@link #FROZEN}: the source serves reads and refuses writes (503), so the target's copy can
 *       catch up with a source that no longer changes;</li>
 *   <li>cutover, which is not a phase: the target becomes the owner and the migration ends.</li>
 * </ol>
 * An abort, from either phase, ends the migration with the source still the owner. The target serves
 * nothing for the slot before cutover.
 *
 * <p>The ring's wire format stores a phase as its ordinal ({@code RingCodec}), so new phases go last.
 */
public enum MigrationPhase {

    /** The source serves reads and writes while the target copies the slot's data. */
    COPYING,

    /** The source serves reads and refuses writes (503) until cutover or abort. */
    FROZEN
}
