package dev.bookmarks.benchmarks;

import dev.bookmarks.ring.Ring;
import java.util.List;
import java.util.function.Function;

/** The placements the benchmarks compare: the product's slot ring and three published anchors. */
public enum Algorithm {

    RING("slot ring (S=" + Ring.DEFAULT_SLOT_COUNT + ")",
            ids -> SlotRingRouter.create(Ring.DEFAULT_SLOT_COUNT, ids)),
    KETAMA("ketama (" + KetamaRouter.POINTS_PER_SHARD + " points/shard)", KetamaRouter::new),
    MAGLEV("maglev (M=" + MaglevRouter.TABLE_SIZE + ")", MaglevRouter::new),
    JUMP("jump", JumpRouter::new);

    private final String label;
    private final Function<List<String>, Router> factory;

    Algorithm(String label, Function<List<String>, Router> factory) {
        this.label = label;
        this.factory = factory;
    }

    /** The name and configuration as the table prints it. */
    public String label() {
        return label;
    }

    /** A router over {@code shardIds}, each shard with equal weight. */
    public Router create(List<String> shardIds) {
        return factory.apply(shardIds);
    }
}
