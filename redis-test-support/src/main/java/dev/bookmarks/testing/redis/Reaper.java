package dev.bookmarks.testing.redis;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Closes, when the JVM exits, every Redis this JVM started and no test closed, so that a test
 * run that crashes or forgets {@code close()} leaves no redis-server or container behind. (A
 * JVM killed by SIGKILL runs no hook; Testcontainers' own reaper still covers containers.)
 */
final class Reaper {

    private static final Set<AutoCloseable> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(Reaper::closeAll, "real-redis-reaper"));
    }

    private Reaper() {
    }

    static void track(AutoCloseable redis) {
        LIVE.add(redis);
    }

    static void forget(AutoCloseable redis) {
        LIVE.remove(redis);
    }

    private static void closeAll() {
        for (AutoCloseable redis : LIVE) {
            try {
                redis.close();
            } catch (Exception e) {
                // The JVM is exiting: report and go on to the next one.
                System.err.println("[RealRedis] could not close " + redis + " at JVM exit: " + e);
            }
        }
    }
}
