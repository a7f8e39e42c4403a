package dev.bookmarks.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The processes one benchmark run started, each stopped by its own PID: when the run is done with it, at the end
 * of the run whatever happened ({@link #close}), and from a shutdown hook if the harness itself is interrupted.
 * Stopping asks first (SIGTERM: NGINX's master takes its workers down, a JVM shuts down gracefully) and then
 * insists (SIGKILL, to the process and to whatever it started).
 */
final class ProcessGroup implements AutoCloseable {

    private static final long POLITE_SECONDS = 30;

    private final List<Process> running = new ArrayList<>();
    private final Thread hook = new Thread(this::stopAll, "stop-benchmark-processes");

    ProcessGroup() {
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Adds {@code process} to the group and returns it. */
    synchronized Process add(Process process) {
        running.add(process);
        return process;
    }

    /** Stops {@code process} (at most {@value #POLITE_SECONDS} s politely, then by force) and forgets it. */
    void stop(Process process) {
        synchronized (this) {
            running.remove(process);
        }
        stopNow(process);
    }

    @Override
    public void close() {
        stopAll();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // The hook is running or has run: nothing left to remove.
        }
    }

    private void stopAll() {
        List<Process> left;
        synchronized (this) {
            left = new ArrayList<>(running);
            running.clear();
        }
        for (Process process : left) {
            stopNow(process);
        }
    }

    private static void stopNow(Process process) {
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroy();
        boolean stopped;
        try {
            stopped = process.waitFor(POLITE_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopped = false;
        }
        if (!stopped) {
            process.destroyForcibly();
        }
        for (ProcessHandle descendant : descendants) {
            if (descendant.isAlive()) {
                descendant.destroyForcibly();
            }
        }
    }
}
