package dev.bookmarks.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import dev.bookmarks.ring.SlotHash;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MaglevRouterTest {

    @Test
    void fillsEveryEntryAndEntryCountsDifferByAtMostOne() {
        for (int n : new int[] {1, 3, 10, 500}) {
            MaglevRouter router = new MaglevRouter(ShardIds.first(n));
            Map<String, Integer> counts = new HashMap<>();
            for (int e = 0; e < MaglevRouter.TABLE_SIZE; e++) {
                assertThat(router.ownerOfEntry(e)).isNotNull();
                counts.merge(router.ownerOfEntry(e), 1, Integer::sum);
            }
            assertThat(counts).hasSize(n);
            int min = counts.values().stream().mapToInt(Integer::intValue).min().orElseThrow();
            int max = counts.values().stream().mapToInt(Integer::intValue).max().orElseThrow();
            assertThat(max - min).as("N=%d", n).isLessThanOrEqualTo(1);
            assertThat(Arrays.stream(router.hashSpaceShares().orElseThrow()).sum()).isCloseTo(1.0, offset(1e-9));
        }
    }

    @Test
    void looksUpTheEntryAtTheHashModuloTheTableSize() {
        MaglevRouter router = new MaglevRouter(ShardIds.first(7));
        for (String user : RandomUserIds.generate(1000, 1)) {
            int entry = (int) Long.remainderUnsigned(SlotHash.hash(user), MaglevRouter.TABLE_SIZE);
            assertThat(router.route(user)).isEqualTo(router.ownerOfEntry(entry));
        }
    }

    @Test
    void dependsOnTheSetOfShardsNotTheirOrder() {
        MaglevRouter sorted = new MaglevRouter(List.of("a", "b", "c"));
        MaglevRouter shuffled = new MaglevRouter(List.of("c", "a", "b"));
        for (int e = 0; e < MaglevRouter.TABLE_SIZE; e++) {
            assertThat(shuffled.ownerOfEntry(e)).isEqualTo(sorted.ownerOfEntry(e));
        }
    }
}
