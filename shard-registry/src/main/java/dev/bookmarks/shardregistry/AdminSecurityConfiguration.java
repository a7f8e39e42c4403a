package dev.bookmarks.shardregistry;

import dev.bookmarks.management.CachingPasswordEncoder;
import dev.bookmarks.management.LoginThrottle;
import dev.bookmarks.management.ManagementUsers;
import dev.bookmarks.shardregistry.console.RingConsoleConfiguration;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.util.OptionalLong;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.prometheus.PrometheusScrapeEndpoint;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter.ReferrerPolicy;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The management port answers probes without credentials (the status only); scraping metrics and reading the
 * ring need a VIEWER or ADMIN, as on the gateways' and shards' management ports; anything else (changing the ring) needs an ADMIN; the ring console
 * ({@link RingConsoleConfiguration}) is read like the ring, under a strict Content-Security-Policy. HTTP Basic over the internal
 * network, no sessions, no CSRF (no browser sessions to ride). Refusals are problem+json. Verified
 * passwords are cached ({@link CachingPasswordEncoder}); an address that fails too many logins is
 * answered 429 for the rest of the minute ({@link LoginThrottle}).
 */
@Configuration(proxyBeanMethods = false)
class AdminSecurityConfiguration {

    @Bean
    @Order(1)
    SecurityFilterChain managementSecurity(HttpSecurity http, LoginThrottle throttle) throws Exception {
        RequestMatcher console = RingConsoleConfiguration.requests();
        http.securityMatcher(new OrRequestMatcher(EndpointRequest.toAnyEndpoint(), console))
                .addFilterBefore(throttled(throttle), BasicAuthenticationFilter.class)
                .authorizeHttpRequests(requests -> requests
                        .requestMatchers(EndpointRequest.to(HealthEndpoint.class)).permitAll()
                        .requestMatchers(EndpointRequest.to(PrometheusScrapeEndpoint.class)).hasAnyRole("ADMIN", "VIEWER")
                        .requestMatchers(HttpMethod.GET, "/actuator/ring", "/actuator/route/**", "/actuator/migrations")
                        .hasAnyRole("ADMIN", "VIEWER")
                        // The ring console reads; changing the ring stays an ADMIN's, through the endpoints. The
                        // console has no other method: refused here, for an ADMIN too, before any handler sees it.
                        .requestMatchers(HttpMethod.GET, RingConsoleConfiguration.PAGE, RingConsoleConfiguration.PATHS)
                        .hasAnyRole("ADMIN", "VIEWER")
                        .requestMatchers(console).denyAll()
                        .anyRequest().hasRole("ADMIN"))
                .httpBasic(basic -> basic.authenticationEntryPoint((request, response, e) -> {
                    if (e instanceof BadCredentialsException) {
                        throttle.failed(request.getRemoteAddr());
                    }
                    response.setHeader("WWW-Authenticate", "Basic realm=\"shard-registry\"");
                    problem(response, HttpStatus.UNAUTHORIZED, "an admin credential is required");
                }))
                .exceptionHandling(errors -> errors.accessDeniedHandler((request, response, e) ->
                        problem(response, HttpStatus.FORBIDDEN, console.matches(request)
                                ? "the ring console is read-only: GET only"
                                : "this credential may not change the ring")))
                .sessionManagement(sessions -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                // The console's page runs only its own script and style and calls only this origin; no framing.
                .headers(headers -> headers
                        .contentSecurityPolicy(csp -> csp.policyDirectives(CONSOLE_POLICY))
                        .referrerPolicy(referrer -> referrer.policy(ReferrerPolicy.NO_REFERRER)))
                .csrf(csrf -> csrf.disable());
        return http.build();
    }

    static final String CONSOLE_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
            + " connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'; form-action 'self'";

    /** Everything else on either port: refused, so nothing is reachable without a rule above. */
    @Bean
    @Order(2)
    SecurityFilterChain denyTheRest(HttpSecurity http) throws Exception {
        http.authorizeHttpRequests(requests -> requests.anyRequest().denyAll())
                .httpBasic(Customizer.withDefaults())
                .csrf(csrf -> csrf.disable());
        return http.build();
    }

    /** Remembers verified passwords for a while: BCrypt once per credential, not per request. */
    @Bean
    PasswordEncoder passwordEncoder(AdminProperties properties) {
        return new CachingPasswordEncoder(PasswordEncoderFactories.createDelegatingPasswordEncoder(),
                properties.authenticationCache(), Clock.systemUTC());
    }

    @Bean
    LoginThrottle loginThrottle(AdminProperties properties) {
        return new LoginThrottle(properties.failedLoginsPerMinute(), Clock.systemUTC());
    }

    /** A request with credentials from an address that failed too often: 429, its password not checked. */
    private static OncePerRequestFilter throttled(LoginThrottle throttle) {
        return new OncePerRequestFilter() {
            @Override
            protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response,
                    FilterChain chain) throws ServletException, IOException {
                OptionalLong wait = request.getHeader("Authorization") == null ? OptionalLong.empty()
                        : throttle.retryAfterSeconds(request.getRemoteAddr());
                if (wait.isPresent()) {
                    response.setHeader("Retry-After", Long.toString(wait.getAsLong()));
                    problem(response, HttpStatus.TOO_MANY_REQUESTS, "too many failed logins from this address;"
                            + " try again after Retry-After seconds");
                    return;
                }
                chain.doFilter(request, response);
            }
        };
    }

    @Bean
    UserDetailsService administrators(AdminProperties properties, Environment environment) {
        requireEncodedPasswords(properties, environment.matchesProfiles("local"));
        return new InMemoryUserDetailsManager(properties.users().stream()
                .map(user -> User.withUsername(user.name()).password(user.password())
                        .roles(user.roles().toArray(String[]::new)).build())
                .toList());
    }

    /**
     * A {@code {noop}} (plain-text) password is for the local profile only: anywhere else start-up fails, saying
     * how to encode one. A configuration file or environment that leaks must not leak the ring's keys.
     */
    static void requireEncodedPasswords(AdminProperties properties, boolean local) {
        for (AdminProperties.User user : properties.users()) {
            ManagementUsers.requireEncoded("bookmarks.registry.admin.users", user.name(), user.password(), local);
        }
    }

    private static void problem(HttpServletResponse response, HttpStatus status, String detail) throws IOException {
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.getWriter().write("{\"type\":\"about:blank\",\"title\":\"" + status.getReasonPhrase()
                + "\",\"status\":" + status.value() + ",\"detail\":\"" + detail + "\"}");
    }
}
