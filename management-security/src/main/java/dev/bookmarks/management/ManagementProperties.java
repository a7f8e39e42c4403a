package dev.bookmarks.management;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Who may use a gateway's or a shard's management port ({@code bookmarks.management.*}). Health and its
 * probe groups answer anyone; every other endpoint (Prometheus, the ring, routes, shard counts, breakers)
 * needs one of these operators, by HTTP Basic. With no operator configured those endpoints answer 401 to
 * everyone, which start-up logs as a warning.
 *
 * @param users operators, each with a name and a password stored encoded with the encoder's id as prefix
 *     ({@code {bcrypt}...}); {@code {noop}} (plain text) is accepted under the local profile only
 * @param authenticationCache how long a verified password is remembered ({@link CachingPasswordEncoder}), in
 *     [0s, 1h]; 0 turns the cache off
 * @param failedLoginsPerMinute failed logins from one client address within a minute after which that address
 *     is answered 429 for the rest of the minute ({@link LoginThrottle}), in [1, 1000]
 */
@ConfigurationProperties("bookmarks.management")
public record ManagementProperties(@DefaultValue List<User> users, @DefaultValue("5m") Duration authenticationCache,
        @DefaultValue("10") int failedLoginsPerMinute) {

    public ManagementProperties {
        users = List.copyOf(users);
        if (authenticationCache == null || authenticationCache.isNegative()
                || authenticationCache.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("bookmarks.management.authentication-cache must be in [0s, 1h]: "
                    + authenticationCache);
        }
        if (failedLoginsPerMinute < 1 || failedLoginsPerMinute > 1000) {
            throw new IllegalArgumentException("bookmarks.management.failed-logins-per-minute must be in [1, 1000]: "
                    + failedLoginsPerMinute);
        }
        for (User user : users) {
            if (user.name() == null || user.name().isBlank() || user.password() == null
                    || !user.password().startsWith("{")) {
                throw new IllegalArgumentException("bookmarks.management.users needs a name and an encoded password"
                        + " ({bcrypt}... or, under the local profile, {noop}...) for every user");
            }
        }
    }

    /** An operator of the management port. */
    public record User(String name, String password) {

        @Override
        public String toString() {
            return "User[name=" + name + "]";
        }
    }
}
