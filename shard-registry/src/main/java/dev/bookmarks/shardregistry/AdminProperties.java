package dev.bookmarks.shardregistry;

import java.util.List;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Who may use the management port ({@code bookmarks.registry.admin.users}). Passwords are stored
 * encoded, with the encoder's id as prefix ({@code {bcrypt}...}); {@code {noop}} is accepted only
 * under the local profile ({@link AdminSecurityConfiguration#requireEncodedPasswords}). Roles: {@code ADMIN} changes the ring, {@code VIEWER} only reads it.
 */
@ConfigurationProperties("bookmarks.registry.admin")
public record AdminProperties(@DefaultValue List<User> users) {

    public static final Set<String> ROLES = Set.of("ADMIN", "VIEWER");

    public AdminProperties {
        users = List.copyOf(users);
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
