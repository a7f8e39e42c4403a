package dev.bookmarks.gateway.security;

import dev.bookmarks.gateway.GatewayProperties;
import dev.bookmarks.gateway.Problems;
import dev.bookmarks.gateway.web.WebAppConfiguration;
import dev.bookmarks.protocol.RequestSigner;
import java.time.Clock;
import java.time.Duration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.security.oauth2.server.resource.autoconfigure.reactive.JwkSetUriReactiveJwtDecoderBuilderCustomizer;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.config.web.server.SecurityWebFiltersOrder;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.ServerAuthenticationEntryPoint;
import org.springframework.security.web.server.authorization.ServerAccessDeniedHandler;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedHandler;
import org.springframework.security.web.server.firewall.ServerWebExchangeFirewall;
import org.springframework.security.web.server.savedrequest.NoOpServerRequestCache;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The edge: a stateless JWT resource server. {@code /api/**} needs a valid bearer token (401
 * otherwise: a good signature, an expiry time not passed, and outside the local profile the
 * configured issuer and audience, {@link TokenRules}) whose subject is the user the path names (403
 * otherwise, 400 for a path that names no valid user: {@link UserPathAuthorizationFilter}). Tokens
 * are validated by Spring Boot's resource server configuration
 * ({@code spring.security.oauth2.resourceserver.jwt.issuer-uri} and {@code audiences}, optionally
 * {@code jwk-set-uri}), or, under the local profile only, by {@link LocalTokenConfiguration}'s
 * development key; start-up fails when neither is there. A token verified once is remembered until its
 * expiry ({@link VerifiedTokenCache}, {@code bookmarks.gateway.token-cache.max-size}). Actuator endpoints, which exist only on the
 * management port, never reach this chain: {@code ReactiveManagementSecurity}'s comes first and claims them.
 * The web app's files ({@link WebAppConfiguration#PATHS}) are anyone's to GET. Everything else is refused. Every
 * refusal is
 * problem+json, including the firewall's (malformed or non-normalized paths: 400).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(TokenCacheProperties.class)
public class EdgeSecurityConfiguration {

    @Bean
    SecurityWebFilterChain edgeSecurity(ServerHttpSecurity http, ObjectProvider<ReactiveJwtDecoder> decoders,
            Environment environment, TokenCacheProperties tokenCache) {
        ReactiveJwtDecoder configured = decoders.getIfAvailable();
        if (configured == null) {
            throw new IllegalStateException("No way to validate tokens: set"
                    + " spring.security.oauth2.resourceserver.jwt.issuer-uri (and audiences) to the token issuer;"
                    + " only the local profile validates with a development key instead");
        }
        TokenRules.requireIssuerAndAudience(environment);
        ReactiveJwtDecoder decoder = VerifiedTokenCache.wrap(configured, tokenCache.maxSize().toBytes(),
                Clock.systemUTC());
        ServerAuthenticationEntryPoint unauthenticated = (exchange, e) -> {
            boolean refused = e instanceof OAuth2AuthenticationException;
            ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.UNAUTHORIZED, refused
                    ? refusal((OAuth2AuthenticationException) e) : "a bearer token is required");
            problem.setTitle("Unauthenticated");
            HttpHeaders headers = new HttpHeaders();
            headers.set(HttpHeaders.WWW_AUTHENTICATE, refused ? "Bearer error=\"invalid_token\"" : "Bearer");
            return Problems.write(exchange, HttpStatus.UNAUTHORIZED, headers, problem);
        };
        ServerAccessDeniedHandler forbidden = (exchange, e) -> Problems.write(exchange, HttpStatus.FORBIDDEN,
                "Forbidden", "this token may not use this path");
        http.authorizeExchange(exchanges -> exchanges
                        .pathMatchers("/api/**").authenticated()
                        .pathMatchers(HttpMethod.POST, LocalTokenConfiguration.PATH).permitAll()
                        // The web app's files and settings: public, as any site's are.
                        .pathMatchers(HttpMethod.GET, WebAppConfiguration.PATHS.toArray(String[]::new)).permitAll()
                        .pathMatchers(HttpMethod.HEAD, WebAppConfiguration.PATHS.toArray(String[]::new)).permitAll()
                        .anyExchange().denyAll())
                .oauth2ResourceServer(resourceServer -> resourceServer
                        .bearerTokenConverter(new BearerTokenConverter())
                        .jwt(jwt -> jwt.jwtDecoder(decoder))
                        .authenticationEntryPoint(unauthenticated)
                        .accessDeniedHandler(forbidden))
                .exceptionHandling(errors -> errors
                        .authenticationEntryPoint(unauthenticated)
                        .accessDeniedHandler(forbidden))
                .addFilterAfter(new UserPathAuthorizationFilter(), SecurityWebFiltersOrder.AUTHORIZATION)
                .requestCache(cache -> cache.requestCache(NoOpServerRequestCache.getInstance()))
                .securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
                // A request without a token is refused by the entry point either way; an anonymous
                // authentication object per request would only cost time.
                .anonymous(ServerHttpSecurity.AnonymousSpec::disable)
                .csrf(ServerHttpSecurity.CsrfSpec::disable)
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .logout(ServerHttpSecurity.LogoutSpec::disable);
        return http.build();
    }

    /**
     * Why a token was refused, in one of two fixed sentences: the decoder's own message can quote the token's
     * content or the parser's internals, which an error body must not echo to whoever sent it. Expiry is told
     * apart because a client answers it differently (it renews the token instead of signing in again).
     */
    static String refusal(OAuth2AuthenticationException e) {
        String description = e.getError().getDescription();
        boolean expired = description != null && description.contains("Jwt expired at ");
        return expired ? "the bearer token has expired" : "the bearer token is not valid";
    }

    /**
     * No observations of Spring Security's own (filter chain, authentication, authorization): they were three
     * of the six observations every request made, and their timers say nothing {@code http.server.requests}
     * and the 401/403 counts by status do not. Spring Security then does not decorate its filters at all.
     */
    @Bean
    SecurityObservationSettings noSecurityObservations() {
        return SecurityObservationSettings.noObservations();
    }

    /** Spring Security's strict firewall, its character rules checked without regular expressions. */
    @Bean
    ServerWebExchangeFirewall firewall() {
        return FirewallCharacters.strictFirewall();
    }

    /** Requests Spring Security's firewall refuses (encoded slashes, {@code ..}, ...) get a problem too. */
    @Bean
    ServerExchangeRejectedHandler problemForRejectedRequests() {
        return (exchange, e) -> Problems.write(exchange, HttpStatus.BAD_REQUEST, "Malformed request", e.getMessage());
    }

    /**
     * The decoder Spring Boot builds from the issuer's configuration fetches the JWK set at most once every
     * 30 s, however many tokens name key ids it does not know ({@link JwkSetFetchLimit}).
     */
    @Bean
    JwkSetUriReactiveJwtDecoderBuilderCustomizer jwkSetFetchLimit() {
        JwkSetFetchLimit limit = new JwkSetFetchLimit(Duration.ofSeconds(30), System::nanoTime);
        return builder -> builder.webClient(WebClient.builder().filter(limit).build());
    }

    /** Added by Spring Boot to the validators of the decoder it builds from the issuer's configuration. */
    @Bean
    OAuth2TokenValidator<Jwt> expiryRequired() {
        return TokenRules.expiryRequired();
    }

    @Bean
    CanonicalPathFilter canonicalPathFilter() {
        return new CanonicalPathFilter();
    }

    @Bean
    IdentitySigningFilter identitySigningFilter(GatewayProperties properties) {
        return new IdentitySigningFilter(new RequestSigner(properties.secret(), Clock.systemUTC()));
    }
}
