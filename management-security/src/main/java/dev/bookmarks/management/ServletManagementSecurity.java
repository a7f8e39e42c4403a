package dev.bookmarks.management;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.util.OptionalLong;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The management port of a servlet application (a shard): health and its probe groups for anyone, every other
 * endpoint for an operator of {@link ManagementProperties} by HTTP Basic; refusals are problem+json. The chain
 * matches actuator endpoints only, so the public port's own filters stay as they were. Import it from the
 * application's configuration.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ManagementProperties.class)
public class ServletManagementSecurity {

    /** Before any other chain, so no broader chain can claim an actuator request first. */
    public static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 10;

    @Bean
    ManagementUsers managementUsers(ManagementProperties properties, Environment environment) {
        return new ManagementUsers(properties, environment.matchesProfiles("local"), Clock.systemUTC());
    }

    /** Also keeps Spring Boot from making its default user with a generated password. */
    @Bean
    UserDetailsService managementUserDetails(ManagementUsers users) {
        return new InMemoryUserDetailsManager(users.users());
    }

    @Bean
    @Order(ORDER)
    SecurityFilterChain managementSecurity(HttpSecurity http, ManagementUsers users,
            UserDetailsService managementUserDetails) throws Exception {
        DaoAuthenticationProvider provider = new DaoAuthenticationProvider(managementUserDetails);
        provider.setPasswordEncoder(users.passwordEncoder());
        LoginThrottle throttle = users.throttle();
        http.securityMatcher(EndpointRequest.toAnyEndpoint())
                .authenticationManager(new ProviderManager(provider))
                .addFilterBefore(throttled(throttle), BasicAuthenticationFilter.class)
                .authorizeHttpRequests(requests -> requests
                        .requestMatchers(EndpointRequest.to("health")).permitAll()
                        .anyRequest().hasRole(ManagementUsers.ROLE))
                .httpBasic(basic -> basic.authenticationEntryPoint((request, response, e) -> {
                    if (e instanceof BadCredentialsException) {
                        throttle.failed(request.getRemoteAddr());
                    }
                    response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"management\"");
                    problem(response, HttpStatus.UNAUTHORIZED, "an operator credential is required");
                }))
                .exceptionHandling(errors -> errors.accessDeniedHandler((request, response, e) ->
                        problem(response, HttpStatus.FORBIDDEN, "this credential may not use this endpoint")))
                .sessionManagement(sessions -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(cache -> cache.disable())
                .csrf(csrf -> csrf.disable());
        return http.build();
    }

    /** A request with credentials from an address that failed too often: 429, its password not checked. */
    private static OncePerRequestFilter throttled(LoginThrottle throttle) {
        return new OncePerRequestFilter() {
            @Override
            protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response,
                    FilterChain chain) throws ServletException, IOException {
                OptionalLong wait = request.getHeader(HttpHeaders.AUTHORIZATION) == null ? OptionalLong.empty()
                        : throttle.retryAfterSeconds(request.getRemoteAddr());
                if (wait.isPresent()) {
                    response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(wait.getAsLong()));
                    problem(response, HttpStatus.TOO_MANY_REQUESTS,
                            "too many failed logins from this address; try again after Retry-After seconds");
                    return;
                }
                chain.doFilter(request, response);
            }
        };
    }

    private static void problem(HttpServletResponse response, HttpStatus status, String detail) throws IOException {
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.getWriter().write(ManagementProblem.json(status, detail));
    }
}
