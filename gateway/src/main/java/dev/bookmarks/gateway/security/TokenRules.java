package dev.bookmarks.gateway.security;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtValidators;

/**
 * What a token must carry beyond a good signature. Spring's default validators check {@code exp} and
 * {@code nbf} only when present; a token without {@code exp} would be good forever, so it is refused. Outside
 * the local profile the gateway must also know its issuer ({@code iss} is checked) and its audience
 * ({@code aud} must name it): a token the same issuer made for another application is not a token for this
 * one.
 */
final class TokenRules {

    static final String ISSUER_URI = "spring.security.oauth2.resourceserver.jwt.issuer-uri";
    static final String AUDIENCES = "spring.security.oauth2.resourceserver.jwt.audiences";
    static final String JWK_SET_URI = "spring.security.oauth2.resourceserver.jwt.jwk-set-uri";

    private TokenRules() {
    }

    /** Refuses a token without an expiry time. */
    static OAuth2TokenValidator<Jwt> expiryRequired() {
        return new JwtClaimValidator<Instant>(JwtClaimNames.EXP, Objects::nonNull);
    }

    /** The configured audiences, blanks left out; empty when none. */
    static List<String> audiences(Environment environment) {
        return Binder.get(environment).bind(AUDIENCES, Bindable.listOf(String.class)).orElse(List.of()).stream()
                .filter(a -> !a.isBlank()).map(String::strip).toList();
    }

    /**
     * What an issuer's token must carry, as Spring Boot checks it outside the local profile: a good time window,
     * this {@code iss}, an {@code aud} naming one of {@code audiences} (when any are given) and an expiry time.
     */
    static OAuth2TokenValidator<Jwt> issuerTokenRules(String issuer, List<String> audiences) {
        List<OAuth2TokenValidator<Jwt>> rules = new java.util.ArrayList<>();
        rules.add(JwtValidators.createDefaultWithIssuer(issuer));
        if (!audiences.isEmpty()) {
            rules.add(new JwtClaimValidator<List<String>>(JwtClaimNames.AUD,
                    aud -> aud != null && aud.stream().anyMatch(audiences::contains)));
        }
        rules.add(expiryRequired());
        return new DelegatingOAuth2TokenValidator<>(rules);
    }

    /**
     * Throws, naming what to set, unless the issuer and at least one audience are configured; the local profile
     * (development tokens of its own issuer) is exempt.
     */
    static void requireIssuerAndAudience(Environment environment) {
        if (environment.matchesProfiles("local")) {
            return;
        }
        String issuer = environment.getProperty(ISSUER_URI);
        if (issuer == null || issuer.isBlank()) {
            throw new IllegalStateException("Set " + ISSUER_URI + " to the token issuer: the gateway checks every"
                    + " token's iss against it (" + "spring.security.oauth2.resourceserver.jwt.jwk-set-uri may be set"
                    + " as well, to fetch the keys without the issuer's discovery document)");
        }
        List<String> audiences = Binder.get(environment).bind(AUDIENCES, Bindable.listOf(String.class))
                .orElse(List.of());
        if (audiences.stream().allMatch(String::isBlank)) {
            throw new IllegalStateException("Set " + AUDIENCES + " to this service's audience (the aud its tokens"
                    + " carry): a token the issuer made for another application must not be accepted here");
        }
    }
}
