package dev.bookmarks.registry;

import java.util.Locale;

/** Words for a failed Redis call that tell an operator what to fix. */
final class RedisFailures {

    private RedisFailures() {
    }

    /**
     * "Redis refused this process's credentials ..." when Redis answered {@code WRONGPASS} or
     * {@code NOAUTH} anywhere in the cause chain (Lettuce reports it as a connection failure, which
     * would otherwise read as Redis being down), else "Redis is unreachable: ..." with the message.
     */
    static String describe(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            String message = t.getMessage();
            if (message != null) {
                String upper = message.toUpperCase(Locale.ROOT);
                if (upper.contains("WRONGPASS") || upper.contains("NOAUTH")) {
                    return "Redis refused this process's credentials (check spring.data.redis.username and"
                            + " password, or those in spring.data.redis.url): " + message;
                }
            }
        }
        return "Redis is unreachable: " + failure.getMessage();
    }
}
