package dev.bookmarks.gateway.web;

import java.net.URI;
import java.util.regex.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The web app every gateway serves at {@code /} ({@code bookmarks.gateway.web.*}). The app signs its users in at the
 * OIDC issuer by authorization code with PKCE; production points it at the organisation's IdP by configuration alone.
 *
 * @param enabled whether the gateway serves the app at all
 * @param issuer the issuer the app signs in at, an absolute http(s) URI without query or fragment; unset, the
 *     gateway's own token issuer ({@code spring.security.oauth2.resourceserver.jwt.issuer-uri}); with neither, the
 *     app is not served
 * @param clientId the app's client ID at the issuer (a public client: no secret), 1 to 128 of
 *     {@code [A-Za-z0-9._-]}
 * @param scope the scopes it asks for, space-separated, each 1 to 64 of {@code [A-Za-z0-9._:-]}
 */
@ConfigurationProperties("bookmarks.gateway.web")
public record WebAppProperties(@DefaultValue("true") boolean enabled, URI issuer,
        @DefaultValue("bookmarks-web") String clientId, @DefaultValue("openid profile") String scope) {

    private static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");
    private static final Pattern SCOPE = Pattern.compile("[A-Za-z0-9._:-]{1,64}( [A-Za-z0-9._:-]{1,64}){0,15}");

    public WebAppProperties {
        if (issuer != null) {
            requireIssuer(issuer, "bookmarks.gateway.web.issuer");
        }
        if (clientId == null || !CLIENT_ID.matcher(clientId).matches()) {
            throw new IllegalArgumentException("bookmarks.gateway.web.client-id must be 1 to 128 of [A-Za-z0-9._-]: "
                    + clientId);
        }
        if (scope == null || !SCOPE.matcher(scope).matches()) {
            throw new IllegalArgumentException("bookmarks.gateway.web.scope must be 1 to 16 space-separated scopes,"
                    + " each 1 to 64 of [A-Za-z0-9._:-]: " + scope);
        }
    }

    /** Returns the issuer if it is an absolute http(s) URI with a host and without query, fragment or user info. */
    static URI requireIssuer(URI issuer, String property) {
        String scheme = issuer.getScheme();
        if (!issuer.isAbsolute() || !("https".equalsIgnoreCase(scheme) || "http".equalsIgnoreCase(scheme))
                || issuer.getHost() == null || issuer.getRawQuery() != null || issuer.getRawFragment() != null
                || issuer.getRawUserInfo() != null) {
            throw new IllegalArgumentException(property + " must be an absolute http(s) URI with a host and without"
                    + " user info, query or fragment: " + issuer);
        }
        return issuer;
    }
}
