package dev.bookmarks.shardregistry.migration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bookmarks.protocol.testing.MutableClock;
import dev.bookmarks.registry.ImportReports;
import dev.bookmarks.registry.ImportReports.ImportReport;
import dev.bookmarks.registry.ImportReports.Phase;
import dev.bookmarks.registry.RedisKeys;
import dev.bookmarks.registry.RingSigner;
import dev.bookmarks.registry.RingStore;
import dev.bookmarks.registry.TrustedRingKeys;
import dev.bookmarks.ring.MigrationPhase;
import dev.bookmarks.ring.Ring;
import dev.bookmarks.ring.SlotRanges;
import dev.bookmarks.ring.Shard;
import dev.bookmarks.ring.ShardState;
import dev.bookmarks.ring.SlotMigration;
import dev.bookmarks.testing.redis.RealRedisExtension;
import dev.bookmarks.testing.redis.TestRingKeys;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * The registry's resharding driver against a real Redis, its targets played by the test, which writes the
 * reports a shard's {@code ImportRunner} would: batches start, freeze only on a fresh report of a small lag, cut
 * over only on a verification at the freezing epoch, until the ring is the one asked for; a mismatch stops it, a
 * freeze that outlasts its timeout is undone and tried again, pause and abort do what they say, and a new driver
 * (a restarted registry) goes on from what Redis holds. Each step is taken by a new driver, as after a restart.
 */
class ReshardingDriverIT {

    @RegisterExtension
    static final RealRedisExtension redis = new RealRedisExtension();

    static final Shard S1 = Shard.active("s-1", "http://127.0.0.1:9001", 1);
    static final Shard S2 = Shard.active("s-2", "http://127.0.0.1:9002", 1);
    static final Shard S3 = Shard.active("s-3", "http://127.0.0.1:9003", 1);
    static final AtomicInteger PREFIXES = new AtomicInteger();

    LettuceConnectionFactory connections;
    RingStore ring;
    ReshardingStore state;
    ImportReports reports;
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    MutableClock clock = new MutableClock(Instant.parse("2026-12-04T09:00:00Z"));

    @BeforeEach
    void setUp() {
        connections = new LettuceConnectionFactory(LettuceConnectionFactory.createRedisConfiguration(redis.get().url()));
        connections.afterPropertiesSet();
        connections.start();
        RedisKeys keys = new RedisKeys("t" + PREFIXES.incrementAndGet());
        ring = new RingStore(connections, keys, TrustedRingKeys.parse(List.of(TestRingKeys.PUBLIC_KEY)));
        state = new ReshardingStore(connections, keys);
        reports = new ImportReports(connections, keys, Duration.ofMinutes(5));
        ring.compareAndSet(0, Ring.create(1024, List.of(S1, S2)), signer());
    }

    @AfterEach
    void tearDown() {
        connections.destroy();
    }

    @Test
    void addingAShardMovesItsShareInBatchesEachFrozenOnCatchUpAndCutOverOnVerification() {
        Ring before = ring.read().orElseThrow();
        int share = before.plan(List.of(S1, S2, S3)).moveCount();
        start(List.of(S1, S2, S3), 100);

        step();
        Ring copying = ring.read().orElseThrow();
        int[] batch = copying.migratingSlots();
        step();
        Ring stillCopying = ring.read().orElseThrow();
        report(copying, Phase.CATCHING_UP, 5000, copying.epoch());
        step();
        Ring notYet = ring.read().orElseThrow();
        report(copying, Phase.CATCHING_UP, 3, copying.epoch());
        step();
        Ring frozen = ring.read().orElseThrow();
        clock.advance(Duration.ofMillis(120));
        step();
        Ring stillFrozen = ring.read().orElseThrow();
        report(frozen, Phase.VERIFIED, 0, frozen.epoch());
        step();
        Ring cut = ring.read().orElseThrow();

        assertThat(batch).hasSize(100);
        assertThat(phases(copying)).containsOnly(MigrationPhase.COPYING);
        assertThat(stillCopying.epoch()).as("no report, no freeze").isEqualTo(copying.epoch());
        assertThat(notYet.epoch()).as("a lag over maxLag, no freeze").isEqualTo(copying.epoch());
        assertThat(phases(frozen)).containsOnly(MigrationPhase.FROZEN);
        assertThat(stillFrozen.epoch()).as("no verification, no cutover").isEqualTo(frozen.epoch());
        assertThat(cut.isMigrating()).isFalse();
        assertThat(Arrays.stream(batch).mapToObj(slot -> cut.ownerOfSlot(slot).id())).containsOnly("s-3");
        Resharding.Progress progress = state.progress().orElseThrow();
        assertThat(progress.batches()).isEqualTo(1);
        assertThat(progress.slotsMoved()).isEqualTo(100);
        assertThat(progress.pausesMillis()).containsExactly(120L);
        Timer pauses = meters.get(ReshardingDriver.WRITE_PAUSE).timer();
        assertThat(pauses.count()).isEqualTo(1);
        assertThat(pauses.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(120.0);

        Ring last = runToTheEnd(40);

        assertThat(state.progress().orElseThrow().status()).isEqualTo(Resharding.Status.DONE);
        assertThat(state.progress().orElseThrow().slotsMoved()).isEqualTo(share);
        assertThat(last.plan(List.of(S1, S2, S3)).isEmpty()).as("the ring is the one asked for").isTrue();
        assertThat(last.slotsOwnedBy("s-3")).isEqualTo(share);
    }

    @Test
    void drainingAShardEmptiesItAndItCanThenLeaveTheDirectoryWithoutMovingASlot() {
        Shard draining = S2.withState(ShardState.DRAINING);
        start(List.of(S1, draining), 256);

        Ring last = runToTheEnd(20);

        assertThat(state.progress().orElseThrow().status()).isEqualTo(Resharding.Status.DONE);
        assertThat(last.slotsOwnedBy("s-2")).isZero();
        assertThat(last.plan(List.of(S1)).moveCount()).as("removing it moves nothing").isZero();
    }

    @Test
    void aMismatchAbortsTheBatchAndStopsTheReshardingSayingWhy() {
        start(List.of(S1, S2, S3), 50);
        step();
        Ring copying = ring.read().orElseThrow();
        report(copying, Phase.CATCHING_UP, 0, copying.epoch());
        step();
        Ring frozen = ring.read().orElseThrow();
        reports.write(new ImportReport(target(frozen), source(frozen), SlotRanges.format(
                frozen.migratingSlots()), frozen.epoch(), Phase.MISMATCH, 10, 0, 5, 0, clock.instant(),
                "digests differ; users [alice]"));

        step();
        step();

        Ring after = ring.read().orElseThrow();
        assertThat(after.isMigrating()).as("the sources keep their slots").isFalse();
        assertThat(after.slotsOwnedBy("s-3")).isZero();
        Resharding.Progress progress = state.progress().orElseThrow();
        assertThat(progress.status()).isEqualTo(Resharding.Status.STOPPED);
        assertThat(progress.reason()).contains("verification failed").contains("alice");
        assertThat(after.epoch()).as("a stopped resharding takes no more steps").isEqualTo(frozen.epoch() + 1);
        new ReshardingMetrics(() -> ReshardingOverview.read(ring, state, reports, clock.millis()), clock)
                .bindTo(meters);
        assertThat(gauge("bookmarks.resharding.verification.failed")).isEqualTo(1.0);
        assertThat(gauge("bookmarks.resharding.running")).isZero();
    }

    @Test
    void aFreezeThatOutlastsItsTimeoutIsUndoneSoWritesResumeAndTheBatchIsTriedAgain() {
        start(List.of(S1, S2, S3), 50);
        step();
        Ring copying = ring.read().orElseThrow();
        report(copying, Phase.CATCHING_UP, 0, copying.epoch());
        step();
        clock.advance(Duration.ofSeconds(2));
        step();
        Ring stillFrozen = ring.read().orElseThrow();
        clock.advance(Duration.ofSeconds(9));
        step();
        Ring undone = ring.read().orElseThrow();
        step();
        Ring again = ring.read().orElseThrow();

        assertThat(phases(stillFrozen)).containsOnly(MigrationPhase.FROZEN);
        assertThat(undone.isMigrating()).isFalse();
        assertThat(state.progress().orElseThrow().freezeTimeouts()).isEqualTo(1);
        assertThat(phases(again)).containsOnly(MigrationPhase.COPYING);
        assertThat(again.migratingSlots()).containsExactly(copying.migratingSlots());
    }

    @Test
    void pausedNoBatchStartsOrFreezesButAFrozenOneStillCutsOverAndResumeGoesOn() {
        start(List.of(S1, S2, S3), 50);
        step();
        Ring copying = ring.read().orElseThrow();
        state.control(Resharding.Control.PAUSED);
        report(copying, Phase.CATCHING_UP, 0, copying.epoch());
        step();
        Ring pausedCopying = ring.read().orElseThrow();
        state.control(Resharding.Control.RUNNING);
        step();
        Ring frozen = ring.read().orElseThrow();
        state.control(Resharding.Control.PAUSED);
        report(frozen, Phase.VERIFIED, 0, frozen.epoch());
        step();
        Ring cut = ring.read().orElseThrow();
        step();
        Ring pausedBetween = ring.read().orElseThrow();
        String reasonWhilePaused = state.progress().orElseThrow().reason();
        new ReshardingMetrics(() -> ReshardingOverview.read(ring, state, reports, clock.millis()), clock)
                .bindTo(meters);
        double pausedGauge = gauge("bookmarks.resharding.paused");
        state.control(Resharding.Control.RUNNING);
        step();
        Ring resumed = ring.read().orElseThrow();
        clock.advance(Duration.ofSeconds(1));

        assertThat(pausedCopying.epoch()).isEqualTo(copying.epoch());
        assertThat(phases(frozen)).containsOnly(MigrationPhase.FROZEN);
        assertThat(cut.isMigrating()).as("a frozen batch is never held by a pause").isFalse();
        assertThat(pausedBetween.epoch()).isEqualTo(cut.epoch());
        assertThat(reasonWhilePaused).isEqualTo("paused");
        assertThat(pausedGauge).isEqualTo(1.0);
        assertThat(phases(resumed)).containsOnly(MigrationPhase.COPYING);
        assertThat(gauge("bookmarks.resharding.paused")).isZero();
    }

    @Test
    void anOperatorsAbortReturnsTheBatchToItsSourceAndStops() {
        start(List.of(S1, S2, S3), 50);
        step();
        state.control(Resharding.Control.ABORTING);

        step();

        Ring after = ring.read().orElseThrow();
        assertThat(after.isMigrating()).isFalse();
        assertThat(after.slotsOwnedBy("s-3")).isZero();
        assertThat(state.progress().orElseThrow().status()).isEqualTo(Resharding.Status.STOPPED);
        assertThat(state.progress().orElseThrow().reason()).isEqualTo("aborted by an operator");
    }

    @Test
    void aReportOfAnotherSlotSetOrAnOlderEpochFreezesNothing() {
        start(List.of(S1, S2, S3), 50);
        step();
        Ring copying = ring.read().orElseThrow();
        reports.write(new ImportReport(target(copying), source(copying), "0", copying.epoch(), Phase.CATCHING_UP,
                1, 0, 1, 0, clock.instant(), ""));
        step();
        Ring afterOtherSet = ring.read().orElseThrow();
        report(copying, Phase.CATCHING_UP, 0, copying.epoch() - 1);
        step();

        assertThat(afterOtherSet.epoch()).isEqualTo(copying.epoch());
        assertThat(ring.read().orElseThrow().epoch()).isEqualTo(copying.epoch());
    }

    @Test
    void theGaugesCountTheSlotsLeftAndEstimateTheirTimeFromThePaceSoFar() {
        int share = ring.read().orElseThrow().plan(List.of(S1, S2, S3)).moveCount();
        new ReshardingMetrics(() -> ReshardingOverview.read(ring, state, reports, clock.millis()), clock)
                .bindTo(meters);
        double before = gauge("bookmarks.resharding.running");
        start(List.of(S1, S2, S3), 100);
        step();
        clock.advance(Duration.ofSeconds(10));
        Ring copying = ring.read().orElseThrow();
        report(copying, Phase.CATCHING_UP, 7, copying.epoch());
        double lag = gauge("bookmarks.resharding.batch.lag");
        double etaBeforeACutover = gauge("bookmarks.resharding.eta");
        step();
        Ring frozen = ring.read().orElseThrow();
        report(frozen, Phase.VERIFIED, 0, frozen.epoch());
        step();
        clock.advance(Duration.ofSeconds(1));

        assertThat(before).isZero();
        assertThat(gauge("bookmarks.resharding.verification.failed")).isZero();
        assertThat(lag).isEqualTo(7.0);
        assertThat(etaBeforeACutover).as("no pace yet, no ETA").isNaN();
        assertThat(gauge("bookmarks.resharding.running")).isEqualTo(1.0);
        assertThat(gauge("bookmarks.resharding.slots.moved")).isEqualTo(100.0);
        assertThat(gauge("bookmarks.resharding.slots.remaining")).isEqualTo(share - 100.0);
        // 100 slots cut over in the 11 s since the start: the rest at that pace.
        assertThat(gauge("bookmarks.resharding.eta")).isEqualTo(Math.ceil((share - 100) * 11.0 / 100));
        assertThat(gauge("bookmarks.resharding.batch.lag")).as("no batch in flight").isNaN();

        runToTheEnd(40);
        clock.advance(Duration.ofSeconds(1));

        assertThat(gauge("bookmarks.resharding.running")).isZero();
        assertThat(gauge("bookmarks.resharding.slots.remaining")).isZero();
        assertThat(gauge("bookmarks.resharding.slots.moved")).isEqualTo(share);
        assertThat(gauge("bookmarks.resharding.eta")).isNaN();
    }

    private double gauge(String name) {
        return meters.get(name).gauge().value();
    }

    /** Plays target and driver until the resharding ends, at most {@code rounds} batches. */
    private Ring runToTheEnd(int rounds) {
        for (int i = 0; i < rounds * 4 && !state.progress().orElseThrow().finished(); i++) {
            Ring now = ring.read().orElseThrow();
            if (now.isMigrating()) {
                boolean frozen = phases(now).contains(MigrationPhase.FROZEN);
                report(now, frozen ? Phase.VERIFIED : Phase.CATCHING_UP, 0, now.epoch());
            }
            step();
        }
        assertThat(state.progress().orElseThrow().finished()).as("ended within %d batches", rounds).isTrue();
        return ring.read().orElseThrow();
    }

    private void start(List<Shard> shards, int batchSlots) {
        state.start(new Resharding("r-1", shards, batchSlots, 10, 10_000, clock.millis()), clock.millis());
    }

    /** One step by a driver made for it: nothing but Redis carries over. */
    private void step() {
        new ReshardingDriver(ring, signer(), state, reports, Duration.ofMillis(100), clock, meters).step();
    }

    private void report(Ring at, Phase phase, long lag, long epoch) {
        reports.write(new ImportReport(target(at), source(at), SlotRanges.format(at.migratingSlots()), epoch,
                phase, 100, lag, 40, 3, clock.instant(), ""));
    }

    private static String source(Ring at) {
        return at.migrationOf(at.migratingSlots()[0]).orElseThrow().source().id();
    }

    private static String target(Ring at) {
        return at.migrationOf(at.migratingSlots()[0]).orElseThrow().target().id();
    }

    private static List<MigrationPhase> phases(Ring at) {
        return Arrays.stream(at.migratingSlots()).mapToObj(slot -> at.migrationOf(slot).orElseThrow())
                .map(SlotMigration::phase).distinct().toList();
    }

    private static RingSigner signer() {
        return RingSigner.parse(TestRingKeys.PRIVATE_KEY);
    }
}
