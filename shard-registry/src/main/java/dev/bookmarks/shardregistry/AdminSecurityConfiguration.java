package dev.bookmarks.shardregistry;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
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
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

/**
 * The management port answers probes and scrapes without credentials; reading the ring needs a
 * VIEWER or ADMIN; anything else (changing the ring) needs an ADMIN. HTTP Basic over the internal
 * network, no sessions, no CSRF (no browser sessions to ride). Refusals are problem+json.
 */
@Configuration(proxyBeanMethods = false)
class AdminSecurityConfiguration {

    @Bean
    @Order(1)
    SecurityFilterChain managementSecurity(HttpSecurity http) throws Exception {
        http.securityMatcher(EndpointRequest.toAnyEndpoint())
                .authorizeHttpRequests(requests -> requests
                        .requestMatchers(EndpointRequest.to(HealthEndpoint.class, PrometheusScrapeEndpoint.class)).permitAll()
                        .requestMatchers(HttpMethod.GET, "/actuator/ring", "/actuator/route/**").hasAnyRole("ADMIN", "VIEWER")
                        .anyRequest().hasRole("ADMIN"))
                .httpBasic(basic -> basic.authenticationEntryPoint((request, response, e) -> {
                    response.setHeader("WWW-Authenticate", "Basic realm=\"shard-registry\"");
                    problem(response, HttpStatus.UNAUTHORIZED, "an admin credential is required");
                }))
                .exceptionHandling(errors -> errors.accessDeniedHandler((request, response, e) ->
                        problem(response, HttpStatus.FORBIDDEN, "this credential may not change the ring")))
                .sessionManagement(sessions -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .csrf(csrf -> csrf.disable());
        return http.build();
    }

    /** Everything else on either port: refused, so nothing is reachable without a rule above. */
    @Bean
    @Order(2)
    SecurityFilterChain denyTheRest(HttpSecurity http) throws Exception {
        http.authorizeHttpRequests(requests -> requests.anyRequest().denyAll())
                .httpBasic(Customizer.withDefaults())
                .csrf(csrf -> csrf.disable());
        return http.build();
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
        if (local) {
            return;
        }
        for (AdminProperties.User user : properties.users()) {
            if (user.password().startsWith("{noop}")) {
                throw new IllegalStateException("bookmarks.registry.admin.users: the password of " + user.name()
                        + " is {noop} (plain text), allowed only under the local profile; store it encoded, e.g."
                        + " {bcrypt} followed by the output of htpasswd -bnBC 12 '' PASSWORD | tr -d ':\\n'");
            }
        }
    }

    private static void problem(HttpServletResponse response, HttpStatus status, String detail) throws IOException {
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.getWriter().write("{\"type\":\"about:blank\",\"title\":\"" + status.getReasonPhrase()
                + "\",\"status\":" + status.value() + ",\"detail\":\"" + detail + "\"}");
    }
}
