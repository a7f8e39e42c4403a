package dev.bookmarks.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import org.junit.jupiter.api.Test;

class PlacementStatsTest {

    private static final String[] USERS = RandomUserIds.generate(50_000, RandomUserIds.SEED);

    @Test
    void minimalAlgorithmsMoveOnlyTheUsersThatMustMove() {
        for (Algorithm algorithm : new Algorithm[] {Algorithm.RING, Algorithm.KETAMA}) {
            PlacementStats s = PlacementStats.measure(algorithm, 20, 7, USERS);
            assertThat(s.addMovedPerNecessary()).as("%s add", algorithm).isEqualTo(1.0);
            assertThat(s.removeMovedPerNecessary()).as("%s remove", algorithm).isEqualTo(1.0);
        }
        PlacementStats jump = PlacementStats.measure(Algorithm.JUMP, 20, 7, USERS);
        assertThat(jump.addMovedPerNecessary()).isEqualTo(1.0);
        assertThat(jump.removeLastMovedPerNecessary()).isEqualTo(1.0);
        assertThat(jump.removeMovedPerNecessary()).isGreaterThan(5.0);
        assertThat(jump.sharePeakToMean()).isEmpty();
    }

    @Test
    void slotRingSharesAreFloorOrCeilOfTheMean() {
        PlacementStats s = PlacementStats.measure(Algorithm.RING, 500, 3, USERS);
        assertThat(s.sharePeakToMean().getAsDouble()).isCloseTo(33 / (16384 / 500.0), offset(1e-12));
    }

    @Test
    void maglevMovesMoreThanNecessary() {
        PlacementStats s = PlacementStats.measure(Algorithm.MAGLEV, 20, 7, USERS);
        assertThat(s.addMovedPerNecessary()).isGreaterThan(1.0);
        assertThat(s.removeMovedPerNecessary()).isGreaterThan(1.0);
    }
}
