package dev.bookmarks.issuer;

import java.util.ArrayList;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;

/**
 * The users from configuration, and the audience on every access token. Everything else (the endpoints, the login
 * form, the signing key and the client registration) is Spring Boot's auto-configuration of Spring Authorization
 * Server.
 */
@Configuration(proxyBeanMethods = false)
class IssuerConfiguration {

    @Bean
    InMemoryUserDetailsManager users(IssuerProperties properties) {
        List<UserDetails> users = new ArrayList<>();
        properties.users().forEach((name, password) -> users.add(User.withUsername(name).password(password)
                .roles("USER").build()));
        return new InMemoryUserDetailsManager(users);
    }

    /** Access tokens carry the API's audience beside the client's own, which Spring puts there. */
    @Bean
    OAuth2TokenCustomizer<JwtEncodingContext> apiAudience(IssuerProperties properties) {
        return context -> {
            if (OAuth2TokenType.ACCESS_TOKEN.equals(context.getTokenType())) {
                context.getClaims().audience(List.of(properties.audience(),
                        context.getRegisteredClient().getClientId()));
            }
        };
    }
}
