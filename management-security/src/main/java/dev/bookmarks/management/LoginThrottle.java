package dev.bookmarks.management;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts failed logins per client address in fixed one-minute windows. Once an address reaches the limit within
 * a window, {@link #retryAfterSeconds} says how long until the window ends; until then the management port
 * answers it 429 without checking its password, so guessing costs the guesser time and costs this host no
 * BCrypt. Per address rather than per user name: a stranger cannot lock an administrator out by failing under
 * the administrator's name.
 */
public final class LoginThrottle {

    private static final Duration WINDOW = Duration.ofMinutes(1);
    /** Addresses tracked at most; past that the oldest windows are dropped first (they end soonest). */
    private static final int MAX_ADDRESSES = 10_000;

    private record Window(Instant start, int failures) {
    }

    private final int limit;
    private final Clock clock;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    public LoginThrottle(int limit, Clock clock) {
        if (limit < 1 || limit > 1000) {
            throw new IllegalArgumentException("failed logins per minute must be in [1, 1000]: " + limit);
        }
        this.limit = limit;
        this.clock = clock;
    }

    /** Records a failed login from {@code address}. */
    public void failed(String address) {
        Instant now = clock.instant();
        if (windows.size() >= MAX_ADDRESSES) {
            windows.values().removeIf(w -> !now.isBefore(w.start().plus(WINDOW)));
        }
        windows.compute(address, (a, w) -> w == null || !now.isBefore(w.start().plus(WINDOW))
                ? new Window(now, 1) : new Window(w.start(), w.failures() + 1));
    }

    /** Whole seconds (at least 1) until {@code address} may try again, or empty when it may now. */
    public OptionalLong retryAfterSeconds(String address) {
        Window window = windows.get(address);
        Instant now = clock.instant();
        if (window == null || window.failures() < limit || !now.isBefore(window.start().plus(WINDOW))) {
            return OptionalLong.empty();
        }
        long millis = Duration.between(now, window.start().plus(WINDOW)).toMillis();
        return OptionalLong.of(Math.max(1, (millis + 999) / 1000));
    }
}
