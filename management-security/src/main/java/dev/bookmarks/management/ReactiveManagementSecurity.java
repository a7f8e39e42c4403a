package dev.bookmarks.management;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.OptionalLong;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.security.autoconfigure.actuate.web.reactive.EndpointRequest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UserDetailsRepositoryReactiveAuthenticationManager;
import org.springframework.security.config.web.server.SecurityWebFiltersOrder;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.core.userdetails.MapReactiveUserDetailsService;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.savedrequest.NoOpServerRequestCache;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import reactor.core.publisher.Mono;

/**
 * The management port of a WebFlux application (a gateway): health and its probe groups for anyone, every other
 * endpoint for an operator of {@link ManagementProperties} by HTTP Basic; refusals are problem+json. The chain
 * matches actuator endpoints only and comes before the application's own chains. Import it from the
 * application's configuration.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ManagementProperties.class)
public class ReactiveManagementSecurity {

    /** Before any other chain, so no broader chain can claim an actuator request first. */
    public static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 10;

    @Bean
    ManagementUsers managementUsers(ManagementProperties properties, Environment environment) {
        return new ManagementUsers(properties, environment.matchesProfiles("local"), Clock.systemUTC());
    }

    @Bean
    @Order(ORDER)
    SecurityWebFilterChain managementSecurity(ServerHttpSecurity http, ManagementUsers users) {
        UserDetailsRepositoryReactiveAuthenticationManager authentication =
                new UserDetailsRepositoryReactiveAuthenticationManager(users.users().isEmpty()
                        ? username -> Mono.empty() : new MapReactiveUserDetailsService(users.users()));
        authentication.setPasswordEncoder(users.passwordEncoder());
        LoginThrottle throttle = users.throttle();
        http.securityMatcher(EndpointRequest.toAnyEndpoint())
                .addFilterBefore(throttled(throttle), SecurityWebFiltersOrder.HTTP_BASIC)
                .authorizeExchange(exchanges -> exchanges
                        .matchers(EndpointRequest.to("health")).permitAll()
                        .anyExchange().hasRole(ManagementUsers.ROLE))
                .httpBasic(basic -> basic
                        .authenticationManager(authentication)
                        .authenticationEntryPoint((exchange, e) -> {
                            if (e instanceof BadCredentialsException) {
                                throttle.failed(address(exchange));
                            }
                            exchange.getResponse().getHeaders().set(HttpHeaders.WWW_AUTHENTICATE,
                                    "Basic realm=\"management\"");
                            return problem(exchange.getResponse(), HttpStatus.UNAUTHORIZED,
                                    "an operator credential is required");
                        }))
                .exceptionHandling(errors -> errors.accessDeniedHandler((exchange, e) -> problem(
                        exchange.getResponse(), HttpStatus.FORBIDDEN, "this credential may not use this endpoint")))
                .requestCache(cache -> cache.requestCache(NoOpServerRequestCache.getInstance()))
                .securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
                .csrf(ServerHttpSecurity.CsrfSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .logout(ServerHttpSecurity.LogoutSpec::disable);
        return http.build();
    }

    /** A request with credentials from an address that failed too often: 429, its password not checked. */
    private static WebFilter throttled(LoginThrottle throttle) {
        return (exchange, chain) -> {
            OptionalLong wait = exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION) == null
                    ? OptionalLong.empty() : throttle.retryAfterSeconds(address(exchange));
            if (wait.isPresent()) {
                exchange.getResponse().getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(wait.getAsLong()));
                return problem(exchange.getResponse(), HttpStatus.TOO_MANY_REQUESTS,
                        "too many failed logins from this address; try again after Retry-After seconds");
            }
            return chain.filter(exchange);
        };
    }

    /** The peer's address as this server saw it: forwarded headers play no part on a management port. */
    private static String address(ServerWebExchange exchange) {
        InetSocketAddress remote = exchange.getRequest().getRemoteAddress();
        return remote == null || remote.getAddress() == null ? "unknown" : remote.getAddress().getHostAddress();
    }

    private static Mono<Void> problem(ServerHttpResponse response, HttpStatus status, String detail) {
        response.setStatusCode(status);
        response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        return response.writeWith(Mono.just(response.bufferFactory()
                .wrap(ManagementProblem.json(status, detail).getBytes(StandardCharsets.UTF_8))));
    }
}
