package dev.bookmarks.testing.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Optional;

/** Sends test commands to a {@link RealRedis} and looks at processes, for the ITs. */
final class Commands {

    private Commands() {
    }

    static String send(RealRedis redis, String... command) {
        try {
            return Resp.call(new Endpoint(redis.host(), redis.port(), false, null, redis.password()),
                    Duration.ofSeconds(30),
                    command);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static boolean accepts(RealRedis redis) {
        return Resp.acceptsConnections(Endpoint.plain(redis.host(), redis.port()),
                Duration.ofMillis(500));
    }

    static boolean alive(long pid) {
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        return handle.isPresent() && handle.get().isAlive();
    }
}
