package dev.bookmarks.localstack;

import static dev.bookmarks.localstack.FaultRig.THREADS;
import static dev.bookmarks.localstack.FaultRig.USERS;
import static dev.bookmarks.localstack.FaultRig.currentLoad;
import static dev.bookmarks.localstack.FaultRig.currentToken;
import static dev.bookmarks.localstack.FaultRig.currentUser;
import static dev.bookmarks.localstack.FaultRig.patient;
import static dev.bookmarks.localstack.FaultRig.pool;
import static dev.bookmarks.localstack.FaultRig.shardOf;
import static dev.bookmarks.localstack.FaultRig.sleep;
import static dev.bookmarks.localstack.FaultRig.tokens;
import static dev.bookmarks.localstack.FaultRig.users;

import dev.bookmarks.client.Bookmark;
import dev.bookmarks.client.BookmarkDraft;
import dev.bookmarks.client.BookmarksClient;
import dev.bookmarks.client.Page;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@link FaultIT}'s load and read-back on the {@link FaultRig}: {@value FaultRig#THREADS} client threads, 80% GET
 * and 20% POST (each POST a unique URL) over the rig's users, every operation and client request recorded; then
 * every user's bookmarks listed to the end, to find lost and duplicated writes.
 */
final class FaultLoad {

    private FaultLoad() {
    }

    /** One operation's outcome. */
    record Op(String user, boolean post, boolean ok, long micros) {
    }

    /** One HTTP request of the client to a gateway: the first of each call, and each retry. */
    record Attempt(String user, long nanoTime) {
    }

    /**
     * What one run recorded: every operation and client request, the acknowledged POSTs with their ids, every POST
     * attempted (acknowledged or not), the users of failed operations and the first few failures' errors.
     */
    static final class Load {
        volatile double seconds;
        final ConcurrentLinkedQueue<Op> ops = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<Attempt> attempts = new ConcurrentLinkedQueue<>();
        final Map<String, String[]> acked = new ConcurrentHashMap<>(); // url -> {user, id}
        final Map<String, String> attempted = new ConcurrentHashMap<>(); // url -> user, acknowledged or not
        final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<String> failureSamples = new ConcurrentLinkedQueue<>();

        long ops() {
            return ops.size();
        }

        long opsOutside(String shard) {
            return ops.stream().filter(o -> !shardOf.get(o.user).equals(shard)).count();
        }

        long failuresOutside(String shard) {
            return ops.stream().filter(o -> !o.ok && !shardOf.get(o.user).equals(shard)).count();
        }

        String summary(String deadShard) {
            List<Op> all = new ArrayList<>(ops);
            long posts = all.stream().filter(Op::post).count();
            long failed = all.stream().filter(o -> !o.ok).count();
            String text = String.format("%.0f s of load: ops %d (%d GET, %d POST, %.0f/s), failed %d, acknowledged POSTs"
                            + " %d, client requests per op %.2f, p50 %s, p99 %s, max %s", seconds, all.size(),
                    all.size() - posts, posts, all.size() / seconds, failed, acked.size(),
                    attempts.size() / (double) Math.max(1, all.size()), pct(all, 0.5), pct(all, 0.99), pct(all, 1.0));
            if (deadShard != null) {
                List<Op> others = all.stream().filter(o -> !shardOf.get(o.user).equals(deadShard)).toList();
                List<Op> dead = all.stream().filter(o -> shardOf.get(o.user).equals(deadShard)).toList();
                text += String.format("; other shards' users: ops %d, failed %d, p99 %s; %s's users: ops %d, failed %d",
                        others.size(), others.stream().filter(o -> !o.ok).count(), pct(others, 0.99), deadShard,
                        dead.size(), dead.stream().filter(o -> !o.ok).count());
            }
            return text;
        }

        static String pct(List<Op> ops, double q) {
            if (ops.isEmpty()) {
                return "-";
            }
            long[] micros = ops.stream().mapToLong(Op::micros).sorted().toArray();
            int at = (int) Math.min(micros.length - 1, Math.ceil(q * micros.length) - 1);
            return String.format("%.1f ms", micros[Math.max(0, at)] / 1000.0);
        }
    }

    /**
     * Runs the load through {@code via} for at least {@code length} and until the fault is done (at most eight
     * minutes in all, a bound for a stuck fault rather than a figure); {@code fault} runs on its own thread
     * {@code faultAt} into the run.
     */
    static Load run(String scenario, BookmarksClient via, Duration faultAt, Duration length, Runnable fault)
            throws Exception {
        Load load = new Load();
        AtomicBoolean faultDone = new AtomicBoolean();
        long start = System.nanoTime();
        long end = start + length.toNanos();
        long hardEnd = start + Duration.ofMinutes(8).toNanos();
        List<Future<?>> workers = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            workers.add(pool.submit(() -> {
                Random random = new Random(31L * thread + scenario.hashCode());
                long seq = 0;
                currentLoad.set(load);
                try {
                    for (long now = System.nanoTime(); now < hardEnd && (now < end || !faultDone.get());
                            now = System.nanoTime()) {
                        oneOperation(load, via, scenario, thread, seq++, random);
                    }
                } finally {
                    currentLoad.remove();
                }
                return null;
            }));
        }
        ExecutorService chaos = Executors.newSingleThreadExecutor();
        try {
            Future<?> faultFuture = chaos.submit(() -> {
                try {
                    sleep(faultAt.toMillis());
                    fault.run();
                } finally {
                    faultDone.set(true);
                }
                return null;
            });
            for (Future<?> worker : workers) {
                worker.get(10, TimeUnit.MINUTES);
            }
            faultFuture.get(2, TimeUnit.MINUTES);
        } finally {
            chaos.shutdownNow();
        }
        load.seconds = (System.nanoTime() - start) / 1e9;
        return load;
    }

    private static void oneOperation(Load load, BookmarksClient via, String scenario, int thread, long seq, Random random) {
        String user = users.get(random.nextInt(USERS));
        currentToken.set(tokens.get(user));
        currentUser.set(user);
        boolean post = random.nextInt(100) < 20;
        String url = "https://fault.example/" + scenario + "/" + user + "/" + thread + "-" + seq;
        long begin = System.nanoTime();
        load.attempts.add(new Attempt(user, begin));
        boolean ok;
        try {
            if (post) {
                load.attempted.put(url, user);
                Bookmark created = via.create(user, BookmarkDraft.of(url));
                load.acked.put(url, new String[] {user, created.id()});
            } else {
                via.list(user, null, null, 20, null);
            }
            ok = true;
        } catch (RuntimeException e) {
            ok = false;
            load.failures.add(user);
            if (load.failureSamples.size() < 5) {
                load.failureSamples.add((post ? "POST " : "GET ") + user + " (" + shardOf.get(user) + "): " + e);
            }
        }
        load.ops.add(new Op(user, post, ok, (System.nanoTime() - begin) / 1000));
    }

    // ---- read-back --------------------------------------------------------------------------------------

    record ReadBack(int users, int pages, List<String> lost, List<String> duplicates, int attemptedButUnacknowledgedFound,
            int attemptedButUnacknowledged) {
        @Override
        public String toString() {
            return String.format("read-back of %d users (%d pages): lost acknowledged writes %d, duplicates %d,"
                            + " unacknowledged POSTs that were stored %d of %d", users, pages, lost.size(), duplicates.size(),
                    attemptedButUnacknowledgedFound, attemptedButUnacknowledged);
        }
    }

    /**
     * Lists every user's bookmarks to the end, through the patient client (a breaker that opened in the scenario
     * may still be open for a few seconds); bounded by pages and a deadline.
     */
    static ReadBack readBack(Load load) throws Exception {
        Map<String, Integer> seen = new ConcurrentHashMap<>();
        Map<String, String> idOf = new ConcurrentHashMap<>();
        int[] pages = new int[1];
        List<Future<?>> reads = new ArrayList<>();
        for (String user : users) {
            reads.add(pool.submit(() -> {
                currentToken.set(tokens.get(user));
                String cursor = null;
                for (int page = 0; page < 200; page++) {
                    Page p = patient.list(user, null, null, 100, cursor);
                    synchronized (pages) {
                        pages[0]++;
                    }
                    for (Bookmark b : p.items()) {
                        seen.merge(b.url(), 1, Integer::sum);
                        idOf.put(b.url(), b.id());
                    }
                    cursor = p.nextCursor();
                    if (cursor == null) {
                        return null;
                    }
                }
                throw new IllegalStateException("more than 200 pages for " + user);
            }));
        }
        for (Future<?> read : reads) {
            read.get(6, TimeUnit.MINUTES);
        }
        List<String> lost = new ArrayList<>();
        load.acked.forEach((url, userAndId) -> {
            if (!seen.containsKey(url) || !userAndId[1].equals(idOf.get(url))) {
                lost.add(url);
            }
        });
        List<String> duplicates = seen.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList();
        int unacked = 0;
        int unackedFound = 0;
        for (String url : load.attempted.keySet()) {
            if (!load.acked.containsKey(url)) {
                unacked++;
                if (seen.containsKey(url)) {
                    unackedFound++;
                }
            }
        }
        return new ReadBack(USERS, pages[0], lost, duplicates, unackedFound, unacked);
    }
}
