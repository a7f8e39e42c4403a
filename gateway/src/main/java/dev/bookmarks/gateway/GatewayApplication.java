package dev.bookmarks.gateway;

import dev.bookmarks.gateway.headers.HeadersConfiguration;
import dev.bookmarks.gateway.routing.RoutingConfiguration;
import dev.bookmarks.gateway.security.EdgeSecurityConfiguration;
import dev.bookmarks.management.ReactiveManagementSecurity;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * A gateway: authenticates the user's token, routes each request to the shard that owns the user's
 * slot in the ring, and signs the user's identity for that shard. Replicas are identical and hold
 * no state but an in-memory copy of the ring.
 *
 * <p>Properties are enabled explicitly rather than scanned, so that the local profile's
 * {@code bookmarks.gateway.dev-token.*} exists only where that profile is active.
 *
 * @see RoutingConfiguration
 * @see EdgeSecurityConfiguration
 * @see HeadersConfiguration
 */
@SpringBootApplication
// The management port: health for anyone, every other endpoint for an operator (bookmarks.management.users).
@Import(ReactiveManagementSecurity.class)
@EnableConfigurationProperties(GatewayProperties.class)
public class GatewayApplication {

    public static void main(String[] args) {
        SpringApplication.run(GatewayApplication.class, args);
    }

    @Bean
    ProblemErrorHandler problemErrorHandler(GatewayProperties properties) {
        return new ProblemErrorHandler(properties);
    }
}
