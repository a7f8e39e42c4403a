package dev.bookmarks.issuer;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * The development OpenID Connect issuer: Spring Authorization Server with the users of {@code bookmarks.issuer.users}
 * and one public client, the web app, which signs in by authorization code with PKCE. Its access tokens are JWTs
 * signed with a key made at start-up, published at {@code /oauth2/jwks}; their subject is the user's ID and their
 * audience {@code bookmarks.issuer.audience}, which is what a gateway checks. For development and tests only: a
 * deployment points its gateways at the organisation's IdP instead.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class DevIssuerApplication {

    public static void main(String[] args) {
        SpringApplication.run(DevIssuerApplication.class, args);
    }
}
