package dev.bookmarks.issuer;

import dev.bookmarks.ring.UserIds;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The development issuer's users and the audience of its tokens ({@code bookmarks.issuer.*}). The web app's client
 * registration is Spring Boot's ({@code spring.security.oauth2.authorizationserver.client.*}).
 *
 * @param users user ID to password, as Spring Security stores passwords ({@code {bcrypt}...}, or {@code {noop}...}
 *     for development); at least one; every ID follows the system's user ID rule ({@link UserIds#PATTERN}), since it
 *     becomes the tokens' subject and the path's user
 * @param audience the {@code aud} claim of every access token, what the gateways expect
 *     ({@code spring.security.oauth2.resourceserver.jwt.audiences}); not blank
 * @param allowedOrigins the origins (Spring's patterns: {@code https://*.example.com}, {@code http://127.0.0.1:[*]})
 *     whose pages may call the discovery document, the JWK set and the token endpoint from a browser (CORS): the
 *     web app's, which is every gateway's; by default any port on the loopback addresses, where the local stack runs
 */
@ConfigurationProperties("bookmarks.issuer")
public record IssuerProperties(Map<String, String> users, @DefaultValue("bookmarks-api") String audience,
        @DefaultValue({"http://127.0.0.1:[*]", "https://127.0.0.1:[*]", "http://localhost:[*]",
                "https://localhost:[*]"}) List<String> allowedOrigins) {

    public IssuerProperties {
        if (users == null || users.isEmpty()) {
            throw new IllegalArgumentException("bookmarks.issuer.users must name at least one user");
        }
        for (Map.Entry<String, String> user : users.entrySet()) {
            if (!UserIds.isValid(user.getKey())) {
                throw new IllegalArgumentException("bookmarks.issuer.users: a user ID must match " + UserIds.PATTERN
                        + " and not be . or ..: " + user.getKey());
            }
            if (user.getValue() == null || !user.getValue().matches("\\{[a-z0-9]+}.+")) {
                throw new IllegalArgumentException("bookmarks.issuer.users." + user.getKey()
                        + " must be a password with its encoding, as {bcrypt}... or {noop}...");
            }
        }
        if (audience == null || audience.isBlank()) {
            throw new IllegalArgumentException("bookmarks.issuer.audience must not be blank");
        }
        if (allowedOrigins == null || allowedOrigins.isEmpty() || allowedOrigins.stream().anyMatch(
                o -> o == null || o.isBlank() || o.equals("*"))) {
            throw new IllegalArgumentException("bookmarks.issuer.allowed-origins must name at least one origin, and"
                    + " not *: " + allowedOrigins);
        }
        users = Map.copyOf(users);
        allowedOrigins = List.copyOf(allowedOrigins);
    }
}
