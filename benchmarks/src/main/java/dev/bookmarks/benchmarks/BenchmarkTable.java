package dev.bookmarks.benchmarks;

import dev.bookmarks.ring.Ring;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Prints one markdown table comparing the slot ring with Ketama, Maglev and jump consistent hash
 * for {@link #SHARD_COUNTS} shards: balance and movement measured directly over
 * {@value #USERS} random users ({@link PlacementStats}), then lookup time and allocation from JMH
 * ({@link LookupBenchmark}, with the GC profiler). Only the table and its notes go to standard
 * output; progress and JMH's own log go to standard error.
 *
 * <p>{@code -Dbench.quick=true} (or the argument {@code --quick}) shortens JMH to one warm-up and
 * one measured iteration of 200 ms, a smoke run whose times are not to be quoted.
 */
public final class BenchmarkTable {

    static final int USERS = 1_000_000;
    static final int[] SHARD_COUNTS = {10, 100, 500};
    /** The two values of {@link LookupBenchmark#keys}: keys in cache, and keys fetched from memory. */
    static final int HOT_KEYS = 1024;
    static final int COLD_KEYS = 1_048_576;

    private BenchmarkTable() {
    }

    public static void main(String[] args) throws RunnerException {
        boolean quick = Boolean.getBoolean("bench.quick") || Arrays.asList(args).contains("--quick");
        PrintStream log = System.err;

        log.printf("generating %,d user IDs (seed %d)%n", USERS, RandomUserIds.SEED);
        String[] users = RandomUserIds.generate(USERS, RandomUserIds.SEED);
        Map<String, PlacementStats> stats = new LinkedHashMap<>();
        Map<Integer, String> removed = new LinkedHashMap<>();
        for (int n : SHARD_COUNTS) {
            // Never the last shard: removing it is the one removal jump handles without renumbering.
            int removeIndex = new Random(RandomUserIds.SEED + n).nextInt(n - 1);
            removed.put(n, ShardIds.id(removeIndex + 1));
            for (Algorithm algorithm : Algorithm.values()) {
                log.printf("measuring balance and movement: %s, N=%d%n", algorithm.label(), n);
                stats.put(key(algorithm, n), PlacementStats.measure(algorithm, n, removeIndex, users));
            }
        }

        ChainedOptionsBuilder options = new OptionsBuilder()
                .include(LookupBenchmark.class.getName() + ".lookup")
                .param("shards", Arrays.stream(SHARD_COUNTS).mapToObj(String::valueOf).toArray(String[]::new))
                .param("keys", String.valueOf(HOT_KEYS), String.valueOf(COLD_KEYS))
                .addProfiler(GCProfiler.class)
                .shouldFailOnError(true);
        if (quick) {
            options.warmupIterations(1).warmupTime(TimeValue.milliseconds(200))
                    .measurementIterations(1).measurementTime(TimeValue.milliseconds(200));
        }
        log.println("running JMH (" + (quick ? "quick smoke run" : "about 10 minutes") + ")");
        Collection<RunResult> results = new Runner(options.build(),
                OutputFormatFactory.createFormatInstance(log, VerboseMode.NORMAL)).run();

        print(System.out, stats, removed, results);
    }

    private static void print(PrintStream out, Map<String, PlacementStats> stats,
            Map<Integer, String> removed, Collection<RunResult> results) {
        Map<String, RunResult> byKey = new LinkedHashMap<>();
        for (RunResult r : results) {
            BenchmarkParams p = r.getParams();
            byKey.put(key(Algorithm.valueOf(p.getParam("algorithm")), Integer.parseInt(p.getParam("shards")))
                    + "/" + p.getParam("keys"), r);
        }

        out.println("| algorithm | N | users peak/mean | share peak/mean | add moved/ideal"
                + " | remove moved/ideal | add moved/necessary | remove moved/necessary"
                + String.format(Locale.ROOT, " | ns/lookup, %,d keys | ns/lookup, %,d keys | B/op |",
                        HOT_KEYS, COLD_KEYS));
        out.println("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|");
        for (int n : SHARD_COUNTS) {
            for (Algorithm algorithm : Algorithm.values()) {
                PlacementStats s = stats.get(key(algorithm, n));
                RunResult hot = byKey.get(key(algorithm, n) + "/" + HOT_KEYS);
                RunResult cold = byKey.get(key(algorithm, n) + "/" + COLD_KEYS);
                out.println("| " + algorithm.label() + " | " + n
                        + " | " + two(s.usersPeakToMean())
                        + " | " + (s.sharePeakToMean().isPresent() ? two(s.sharePeakToMean().getAsDouble()) : "n/a")
                        + " | " + two(s.addMovedPerIdeal())
                        + " | " + two(s.removeMovedPerIdeal()) + (algorithm == Algorithm.JUMP ? " ¹" : "")
                        + " | " + two(s.addMovedPerNecessary())
                        + " | " + two(s.removeMovedPerNecessary()) + (algorithm == Algorithm.JUMP ? " ¹" : "")
                        + " | " + nanos(hot)
                        + " | " + nanos(cold)
                        + " | " + bytesPerOp(hot, cold) + " |");
            }
        }
        out.println();

        List<String> jumpLast = new ArrayList<>();
        List<String> removedIds = new ArrayList<>();
        List<String> ringSlots = new ArrayList<>();
        for (int n : SHARD_COUNTS) {
            ringSlots.add(String.format(Locale.ROOT, "N=%d: %s", n, slotMovement(n, removed.get(n))));
            PlacementStats s = stats.get(key(Algorithm.JUMP, n));
            jumpLast.add(String.format(Locale.ROOT, "N=%d: %s / %s", n,
                    two(s.removeLastMovedPerIdeal()), two(s.removeLastMovedPerNecessary())));
            removedIds.add("N=" + n + ": " + removed.get(n));
        }
        out.println("¹ Jump numbers buckets by position, so removing a shard that is not the last renumbers"
                + " every later one. Removing the last shard instead, moved/ideal / moved/necessary: "
                + String.join("; ", jumpLast) + ".");
        out.println();
        out.println("Slot ring movement counted in slots rather than sampled users (add: moved / (S/(N+1));"
                + " remove: moved / (S/N)): " + String.join("; ", ringSlots)
                + ". Not exactly 1 because a shard owns a whole number of slots.");
        out.println();
        out.printf(Locale.ROOT, "Users: %,d distinct random IDs (seed %d). Added shard: shard-(N+1)."
                + " Removed shard (seeded, never the last): %s.%n",
                USERS, RandomUserIds.SEED, String.join("; ", removedIds));
        out.println();
        results.stream().findFirst().map(RunResult::getParams).ifPresent(p -> out.printf(Locale.ROOT,
                "JMH %s, %s, %d fork(s), %d thread(s); warm-up %d × %s, measurement %d × %s;"
                        + " each op looks up the next of %,d or %,d pre-generated user IDs, cycling; ± is the"
                        + " 99.9%% confidence half-width; B/op is gc.alloc.rate.norm from the GC profiler,"
                        + " the larger of the two runs. JVM: %s %s.%n",
                p.getJmhVersion(), p.getMode().longLabel(), p.getForks(), p.getThreads(),
                p.getWarmup().getCount(), p.getWarmup().getTime(),
                p.getMeasurement().getCount(), p.getMeasurement().getTime(),
                HOT_KEYS, COLD_KEYS, p.getVmName(), p.getVmVersion()));
    }

    /** The slot ring's add and remove movement in slots over the ideal S/(N+1) and S/N slots. */
    private static String slotMovement(int n, String removedId) {
        List<String> ids = ShardIds.first(n);
        SlotRingRouter ring = SlotRingRouter.create(Ring.DEFAULT_SLOT_COUNT, ids);
        List<String> withAdded = new ArrayList<>(ids);
        withAdded.add(ShardIds.id(n + 1));
        List<String> withoutRemoved = new ArrayList<>(ids);
        withoutRemoved.remove(removedId);
        int added = ring.slotsMovedTo((SlotRingRouter) ring.withShards(withAdded));
        int removed = ring.slotsMovedTo((SlotRingRouter) ring.withShards(withoutRemoved));
        return String.format(Locale.ROOT, "add %d slots (%s), remove %d slots (%s)", added,
                two(added / ((double) ring.slotCount() / (n + 1))), removed,
                two(removed / ((double) ring.slotCount() / n)));
    }

    private static String key(Algorithm algorithm, int n) {
        return algorithm.name() + "/" + n;
    }

    private static String two(double value) {
        return String.format(Locale.ROOT, "%.2f", value);
    }

    private static String nanos(RunResult r) {
        if (r == null) {
            return "n/a";
        }
        Result<?> primary = r.getPrimaryResult();
        if (!primary.getScoreUnit().equals("ns/op")) {
            throw new IllegalStateException("expected ns/op, got " + primary.getScoreUnit());
        }
        double error = primary.getScoreError();
        return String.format(Locale.ROOT, "%.1f", primary.getScore())
                + (Double.isNaN(error) ? "" : String.format(Locale.ROOT, " ± %.1f", error));
    }

    private static String bytesPerOp(RunResult... runs) {
        double max = Double.NaN;
        for (RunResult r : runs) {
            if (r == null) {
                return "n/a";
            }
            double bytes = r.getSecondaryResults().entrySet().stream()
                    .filter(e -> e.getKey().endsWith("gc.alloc.rate.norm"))
                    .mapToDouble(e -> e.getValue().getScore())
                    .findFirst()
                    .orElse(Double.NaN);
            max = Double.isNaN(max) ? bytes : Math.max(max, bytes);
        }
        return Double.isNaN(max) ? "n/a" : String.format(Locale.ROOT, "%.2f", max);
    }
}
