package dev.bookmarks.shardregistry;

import dev.bookmarks.management.CachingPasswordEncoder;
import dev.bookmarks.management.LoginThrottle;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Who may use the management port ({@code bookmarks.registry.admin.users}). Passwords are stored
 * encoded, with the encoder's id as prefix ({@code {bcrypt}...}); {@code {noop}} is accepted only
 * under the local profile ({@link AdminSecurityConfiguration#requireEncodedPasswords}).
 *
 * <p>A verified password is remembered for {@code authentication-cache} (default 5m, in [0s, 1h]; 0 turns it
 * off), so that a scripted admin does not pay BCrypt's ~70 ms on every request ({@link CachingPasswordEncoder}).
 * A client address that fails {@code failed-logins-per-minute} logins (default 10, in [1, 1000]) within a
 * minute is answered 429 until that minute ends, without its password being checked ({@link LoginThrottle}). Roles: {@code ADMIN} changes the ring, {@code VIEWER} only reads it.
 */
@ConfigurationProperties("bookmarks.registry.admin")
public record AdminProperties(@DefaultValue List<User> users, @DefaultValue("5m") Duration authenticationCache,
        @DefaultValue("10") int failedLoginsPerMinute) {

    public static final Set<String> ROLES = Set.of("ADMIN", "VIEWER");

    public AdminProperties {
        users = List.copyOf(users);
        if (authenticationCache.isNegative() || authenticationCache.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("bookmarks.registry.admin.authentication-cache must be in [0s, 1h]: "
                    + authenticationCache);
        }
        if (failedLoginsPerMinute < 1 || failedLoginsPerMinute > 1000) {
            throw new IllegalArgumentException("bookmarks.registry.admin.failed-logins-per-minute must be in"
                    + " [1, 1000]: " + failedLoginsPerMinute);
        }
        for (User user : users) {
            if (user.name() == null || user.name().isBlank() || user.password() == null
                    || !user.password().startsWith("{")) {
                throw new IllegalArgumentException("bookmarks.registry.admin.users needs a name and an encoded"
                        + " password ({bcrypt}... or {noop}...) for every user");
            }
            if (!ROLES.containsAll(user.roles()) || user.roles().isEmpty()) {
                throw new IllegalArgumentException("roles of " + user.name() + " must be among " + ROLES + ": "
                        + user.roles());
            }
        }
        if (users.stream().noneMatch(u -> u.roles().contains("ADMIN"))) {
            throw new IllegalArgumentException("bookmarks.registry.admin.users must name at least one user with"
                    + " role ADMIN, or nobody can change the ring");
        }
    }

    public record User(String name, String password, @DefaultValue("ADMIN") List<String> roles) {
    }
}
