package dev.bookmarks.benchmarks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Time of one lookup, user ID to shard id, per algorithm and shard count. Each call looks up the
 * next of {@code keys} pre-generated user IDs, cycling, so the JIT cannot fold the key hash and the
 * placement table is read at positions that look random to the CPU.
 *
 * <p>How many keys decides what is measured, so there are two: with 1,024 keys (under 100 KB of
 * strings) the key is in cache, as a user ID just parsed from a request is, and the time is the
 * hash and the placement; with 1,048,576 keys (tens of MB, beyond the last-level cache) nearly
 * every lookup first waits for memory to fetch the key's String and its bytes, which dominates.
 *
 * <p>Five warm-up and five measured iterations of two seconds in one fork leave C2 ample time to
 * finish compiling even when it shares a two-core machine with the benchmark thread; the fork gets
 * a fixed 1 GiB heap so the result does not depend on the machine's memory. Not final: JMH
 * generates subclasses of state classes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class LookupBenchmark {

    @Param({"RING", "KETAMA", "MAGLEV", "JUMP"})
    public Algorithm algorithm;

    @Param({"10", "100", "500"})
    public int shards;

    /** How many distinct user IDs the lookups cycle through; a power of two. */
    @Param({"1024", "1048576"})
    public int keys;

    private Router router;
    private String[] users;
    private int mask;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        if (Integer.bitCount(keys) != 1) {
            throw new IllegalArgumentException("keys must be a power of two: " + keys);
        }
        users = RandomUserIds.generate(keys, RandomUserIds.SEED);
        mask = keys - 1;
        router = algorithm.create(ShardIds.first(shards));
    }

    @Benchmark
    public String lookup() {
        String user = users[next];
        next = (next + 1) & mask;
        return router.route(user);
    }
}
