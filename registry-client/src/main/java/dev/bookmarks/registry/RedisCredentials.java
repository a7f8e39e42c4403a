package dev.bookmarks.registry;

import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;

/**
 * Outside the {@code local} profile a process must log in to Redis: whoever can write the ring
 * without logging in can deny service to every user, even though a forged ring is refused
 * ({@link TrustedRingKeys}). A bean of {@link RegistryClientAutoConfiguration} outside that profile:
 * constructing it is the check.
 */
final class RedisCredentials {

    static final String MISSING = "Redis must require a login outside the local profile: set"
            + " spring.data.redis.password (and spring.data.redis.username for an ACL user), or put them in"
            + " spring.data.redis.url as redis://user:password@host:port (rediss:// for TLS), and configure Redis"
            + " with requirepass or an ACL user. Only the local profile may connect without one.";

    /**
     * @param details Boot's resolved connection settings (properties, URL or a service connection)
     * @throws IllegalStateException with {@link #MISSING} when they carry no password
     */
    RedisCredentials(DataRedisConnectionDetails details) {
        String password = details.getPassword();
        if (password == null || password.isBlank()) {
            throw new IllegalStateException(MISSING);
        }
    }
}
