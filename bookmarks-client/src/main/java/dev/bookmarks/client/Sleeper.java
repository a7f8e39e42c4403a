package dev.bookmarks.client;

import java.time.Duration;

/** Waits between attempts; tests replace it to record the waits instead of sleeping. */
@FunctionalInterface
public interface Sleeper {

    Sleeper SYSTEM = duration -> Thread.sleep(duration.toMillis());

    void sleep(Duration duration) throws InterruptedException;
}
