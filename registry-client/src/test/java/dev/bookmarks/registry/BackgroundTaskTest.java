package dev.bookmarks.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BackgroundTaskTest {

    /** Records what the lifecycle did to it, and which thread its work ran on. */
    private static final class Recording extends BackgroundTask {

        final List<ScheduledExecutorService> scheduled = new ArrayList<>();
        int stops;
        volatile Thread ranOn;

        Recording() {
            super("recording-task");
        }

        @Override
        protected void schedule(ScheduledExecutorService executor) {
            scheduled.add(executor);
            executor.execute(() -> ranOn = Thread.currentThread());
        }

        @Override
        protected void stopped() {
            stops++;
        }
    }

    @Test
    void runsItsWorkOnOneNamedDaemonThreadOfItsOwn() throws Exception {
        Recording task = new Recording();
        task.start();
        task.executor().submit(() -> { }).get(30, TimeUnit.SECONDS);

        assertThat(task.ranOn.getName()).isEqualTo("recording-task");
        assertThat(task.ranOn.isDaemon()).isTrue();
        task.stop();
    }

    @Test
    void schedulesOncePerStartEvenWhenStartedTwice() {
        Recording task = new Recording();
        task.start();
        task.start();

        assertThat(task.scheduled).hasSize(1);
        assertThat(task.isRunning()).isTrue();
        task.stop();
    }

    @Test
    void stopsItsExecutorAndSaysSoThenStartsAgainOnAFreshOne() {
        Recording task = new Recording();
        task.start();
        ScheduledExecutorService first = task.executor();

        task.stop();

        assertThat(task.isRunning()).isFalse();
        assertThat(first.isShutdown()).isTrue();
        assertThat(task.stops).isEqualTo(1);

        task.start();

        assertThat(task.scheduled).hasSize(2);
        assertThat(task.executor()).isNotSameAs(first);
        assertThat(task.executor().isShutdown()).isFalse();
        task.close();
        assertThat(task.isRunning()).isFalse();
    }

    @Test
    void canBeStoppedBeforeItEverStarted() {
        Recording task = new Recording();

        task.stop();

        assertThat(task.isRunning()).isFalse();
        assertThat(task.stops).isEqualTo(1);
    }
}
