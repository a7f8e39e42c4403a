package dev.bookmarks.registry;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The single background thread each registry task runs on (ring polls, subscription retries,
 * heartbeats, bootstrap retries): named, so a thread dump says what it is, and a daemon, so it
 * never holds a JVM open after the application context closed.
 */
public final class BackgroundThreads {

    private BackgroundThreads() {
    }

    public static ScheduledExecutorService single(String name) {
        return Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        });
    }
}
