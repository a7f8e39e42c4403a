package dev.bookmarks.gateway.security;

import static org.springframework.web.reactive.function.server.RequestPredicates.POST;
import static org.springframework.web.reactive.function.server.RouterFunctions.route;

import dev.bookmarks.gateway.Problems;
import dev.bookmarks.ring.UserIds;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import org.springframework.core.env.Environment;
import org.springframework.web.reactive.function.client.WebClient;
import java.time.Instant;
import java.util.Map;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * The local profile's tokens, for development and the local stack only: an HMAC key validates them,
 * and {@code POST /auth/dev-token} {@code {"userId":"alice"}} answers {@code {"token":"..."}} for
 * any valid user ID, without a password. Nothing here exists under any other profile, where tokens
 * come from a real issuer.
 */
@Configuration(proxyBeanMethods = false)
@Profile("local")
@EnableConfigurationProperties(DevTokenProperties.class)
public class LocalTokenConfiguration {

    /** Where development tokens are issued. */
    public static final String PATH = "/auth/dev-token";

    private static final Logger log = LoggerFactory.getLogger(LocalTokenConfiguration.class);

    /**
     * Development tokens, and when {@code spring.security.oauth2.resourceserver.jwt.issuer-uri} is set (the local
     * stack's development issuer, which the web app signs in at) that issuer's tokens as well: its keys from
     * {@code jwk-set-uri}, which must then be set too, its {@code iss} and the configured {@code audiences} checked as
     * outside this profile.
     */
    @Bean
    ReactiveJwtDecoder devTokenDecoder(DevTokenProperties properties, Environment environment) {
        log.warn("Local profile: tokens are issued without credentials at {} and validated with a development key;"
                + " never run this profile where real users are", PATH);
        NimbusReactiveJwtDecoder decoder = NimbusReactiveJwtDecoder.withSecretKey(key(properties))
                .macAlgorithm(MacAlgorithm.HS256).build();
        decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(
                JwtValidators.createDefaultWithIssuer(properties.issuer()), TokenRules.expiryRequired()));
        String issuer = environment.getProperty(TokenRules.ISSUER_URI);
        if (issuer == null || issuer.isBlank()) {
            return decoder;
        }
        String jwkSetUri = environment.getProperty(TokenRules.JWK_SET_URI);
        if (jwkSetUri == null || jwkSetUri.isBlank()) {
            throw new IllegalStateException("Under the local profile, " + TokenRules.ISSUER_URI + " needs "
                    + TokenRules.JWK_SET_URI + " as well: the issuer's keys are fetched from there when its first token"
                    + " arrives, so the gateway starts whether or not the issuer is up");
        }
        NimbusReactiveJwtDecoder fromIssuer = NimbusReactiveJwtDecoder.withJwkSetUri(jwkSetUri.strip())
                .webClient(WebClient.builder().filter(new JwkSetFetchLimit(Duration.ofSeconds(30), System::nanoTime))
                        .build())
                .build();
        fromIssuer.setJwtValidator(TokenRules.issuerTokenRules(issuer.strip(), TokenRules.audiences(environment)));
        log.info("Local profile: tokens of {} are accepted as well (keys from {})", issuer, jwkSetUri);
        return new DevOrIssuerTokenDecoder(decoder, fromIssuer);
    }

    @Bean
    RouterFunction<ServerResponse> devTokenRoute(DevTokenProperties properties) {
        JwtEncoder encoder = NimbusJwtEncoder.withSecretKey(key(properties)).algorithm(MacAlgorithm.HS256).build();
        Clock clock = Clock.systemUTC();
        return route(POST(PATH), request -> request.bodyToMono(TokenRequest.class)
                .switchIfEmpty(Mono.error(() -> Problems.of(HttpStatus.BAD_REQUEST, "Invalid token request",
                        "the body must be {\"userId\":\"...\"}")))
                .flatMap(body -> {
                    String userId;
                    try {
                        userId = UserIds.requireValid(body.userId());
                    } catch (IllegalArgumentException e) {
                        return Mono.error(Problems.of(HttpStatus.BAD_REQUEST, "Invalid user ID", e.getMessage()));
                    }
                    Instant now = clock.instant();
                    JwtClaimsSet claims = JwtClaimsSet.builder().issuer(properties.issuer()).subject(userId)
                            .issuedAt(now).expiresAt(now.plus(properties.ttl())).build();
                    String token = encoder.encode(JwtEncoderParameters.from(
                            JwsHeader.with(MacAlgorithm.HS256).build(), claims)).getTokenValue();
                    return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON)
                            .bodyValue(Map.of("token", token));
                }));
    }

    private static SecretKey key(DevTokenProperties properties) {
        return new SecretKeySpec(properties.key().getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    }

    /** The body of a token request. */
    public record TokenRequest(String userId) {
    }
}
