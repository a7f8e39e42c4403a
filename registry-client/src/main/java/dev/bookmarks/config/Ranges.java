package dev.bookmarks.config;

import java.time.Duration;

/**
 * Range checks for configuration records, so that every service refuses an out-of-range setting at start-up
 * with one kind of message: the property, the allowed range and the value given
 * ({@code "bookmarks.registry.poll-interval must be in [PT0.1S, PT1M]: PT2M"}).
 */
public final class Ranges {

    private Ranges() {
    }

    /**
     * @return {@code value}
     * @throws IllegalArgumentException when {@code value} is null or outside [{@code min}, {@code max}]
     */
    public static Duration require(String property, Duration value, Duration min, Duration max) {
        if (value == null || value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new IllegalArgumentException(property + " must be in [" + min + ", " + max + "]: " + value);
        }
        return value;
    }

    /**
     * @return {@code value}
     * @throws IllegalArgumentException when {@code value} is NaN or outside [{@code min}, {@code max}]
     */
    public static double require(String property, double value, double min, double max) {
        if (!(value >= min && value <= max)) {
            throw new IllegalArgumentException(property + " must be in [" + min + ", " + max + "]: " + value);
        }
        return value;
    }
}
