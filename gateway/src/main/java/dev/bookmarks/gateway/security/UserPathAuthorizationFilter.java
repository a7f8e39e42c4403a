package dev.bookmarks.gateway.security;

import dev.bookmarks.gateway.Problems;
import dev.bookmarks.gateway.exchange.ShardExchange;
import dev.bookmarks.gateway.routing.UserPaths;
import dev.bookmarks.protocol.ApiPaths;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * The last security filter: a user's resources are the user's alone. For a path under
 * {@code /api/users/{userId}}, answers 400 when {@code userId} is not a valid user ID and 403 when it
 * is not the token's subject; otherwise records the subject as the exchange's
 * {@linkplain ShardExchange#user authenticated user}, the identity the signing filter vouches for to the shard.
 *
 * <p>It runs after authentication and authorization, so a request without a valid token has
 * already been answered 401 and learns nothing about which user IDs are valid.
 */
public final class UserPathAuthorizationFilter implements WebFilter {

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String rawPath = exchange.getRequest().getURI().getRawPath();
        if (ApiPaths.userSegment(rawPath) == null) {
            return chain.filter(exchange);
        }
        String pathUser;
        try {
            pathUser = UserPaths.requireUser(rawPath);
        } catch (ErrorResponseException e) {
            return Problems.write(exchange, e.getStatusCode(), e.getHeaders(), e.getBody());
        }
        return ReactiveSecurityContextHolder.getContext()
                .map(SecurityContext::getAuthentication)
                .map(Optional::of)
                .defaultIfEmpty(Optional.empty())
                .flatMap(authentication -> {
                    String subject = authentication.filter(Authentication::isAuthenticated)
                            .map(Authentication::getName).orElse(null);
                    if (subject == null) {
                        return Problems.write(exchange, HttpStatus.UNAUTHORIZED, "Unauthenticated",
                                "a valid bearer token is required");
                    }
                    if (!subject.equals(pathUser)) {
                        return Problems.write(exchange, HttpStatus.FORBIDDEN, "Another user's bookmarks",
                                "the token's subject may use only its own path, /api/users/{its user ID}");
                    }
                    ShardExchange.setUser(exchange, subject);
                    return chain.filter(exchange);
                });
    }
}
