package dev.bookmarks.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Shard ids as the benchmarks name them: shard-0001, shard-0002, ... */
final class ShardIds {

    private ShardIds() {
    }

    /** The id of the {@code number}th shard, counting from 1. */
    static String id(int number) {
        return String.format(Locale.ROOT, "shard-%04d", number);
    }

    /** shard-0001 .. shard-{@code n}, in order. */
    static List<String> first(int n) {
        List<String> ids = new ArrayList<>(n);
        for (int i = 1; i <= n; i++) {
            ids.add(id(i));
        }
        return List.copyOf(ids);
    }
}
