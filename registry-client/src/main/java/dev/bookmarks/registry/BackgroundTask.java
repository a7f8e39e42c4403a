package dev.bookmarks.registry;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.springframework.context.SmartLifecycle;

/**
 * A lifecycle whose work runs on one background thread of its own: the ring watcher's polls, the change
 * subscription's retries, heartbeats, the registry's bootstrap, a gateway's restart probe. The thread is
 * named, so that a thread dump says what it is, and a daemon, so that it never holds a JVM open after the
 * application context closed.
 *
 * <p>Contract: {@link #start()} makes a new executor and calls {@link #schedule} with it, unless the task is
 * already running; {@link #stop()} marks the task stopped, interrupts and discards the executor, then calls
 * {@link #stopped()}. A stopped task starts again (a paused test context, say) on a fresh thread. Work that
 * reschedules itself should check {@link #isRunning()} first.
 */
public abstract class BackgroundTask implements SmartLifecycle, AutoCloseable {

    private final String threadName;
    private volatile ScheduledExecutorService executor;
    private volatile boolean running;

    /** @param threadName the name of the task's thread, for example {@code "heartbeat"} */
    protected BackgroundTask(String threadName) {
        this.threadName = threadName;
    }

    /** Puts the task's work on {@code executor}, which is new and belongs to this start. */
    protected abstract void schedule(ScheduledExecutorService executor);

    /** Called after the executor was stopped; for releasing what {@link #schedule} acquired. */
    protected void stopped() {
    }

    /** This start's executor, for work that runs later or once; null before the first start. */
    protected final ScheduledExecutorService executor() {
        return executor;
    }

    @Override
    public final synchronized void start() {
        if (running) {
            return;
        }
        executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, threadName);
            thread.setDaemon(true);
            return thread;
        });
        running = true;
        schedule(executor);
    }

    @Override
    public final synchronized void stop() {
        running = false;
        if (executor != null) {
            executor.shutdownNow();
        }
        stopped();
    }

    @Override
    public final boolean isRunning() {
        return running;
    }

    @Override
    public final void close() {
        stop();
    }
}
