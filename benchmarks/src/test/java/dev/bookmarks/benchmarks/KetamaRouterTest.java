package dev.bookmarks.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import dev.bookmarks.ring.SlotHash;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KetamaRouterTest {

    @Test
    void placesOneHundredSixtyPointsPerShardInAscendingOrder() {
        KetamaRouter router = new KetamaRouter(ShardIds.first(50));
        assertThat(router.pointCount()).isEqualTo(50 * KetamaRouter.POINTS_PER_SHARD);
        Map<String, Integer> perShard = new HashMap<>();
        for (int i = 0; i < router.pointCount(); i++) {
            perShard.merge(router.ownerOfPoint(i), 1, Integer::sum);
            if (i > 0) {
                assertThat(router.point(i)).isGreaterThanOrEqualTo(router.point(i - 1));
            }
        }
        assertThat(perShard).hasSize(50).allSatisfy((id, points) -> assertThat(points).isEqualTo(160));
    }

    @Test
    void routesToTheFirstPointAtOrAfterTheKeyHashWrappingAround() {
        KetamaRouter router = new KetamaRouter(ShardIds.first(5));
        for (String user : RandomUserIds.generate(2000, 2)) {
            long key = SlotHash.hash(user) & 0xFFFF_FFFFL;
            int expected = 0;
            for (int i = router.pointCount() - 1; i >= 0; i--) {
                if (router.point(i) >= key) {
                    expected = i;
                }
            }
            assertThat(router.route(user)).isEqualTo(router.ownerOfPoint(expected));
        }
        assertThat(router.pointFor(-1)).isEqualTo(router.point(router.pointCount() - 1) == 0xFFFF_FFFFL
                ? router.pointCount() - 1 : 0);
    }

    @Test
    void sharesOfTheCircleSumToOne() {
        KetamaRouter router = new KetamaRouter(ShardIds.first(100));
        assertThat(Arrays.stream(router.hashSpaceShares().orElseThrow()).sum()).isCloseTo(1.0, offset(1e-9));
    }
}
