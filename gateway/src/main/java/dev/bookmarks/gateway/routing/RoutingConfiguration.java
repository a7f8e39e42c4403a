package dev.bookmarks.gateway.routing;

import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.cloud.gateway.route.builder.RouteLocatorBuilder;
import org.springframework.cloud.loadbalancer.annotation.LoadBalancerClient;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The one route: {@code /api/users/{userId}} and everything below it go to {@code lb://}{@value
 * #SERVICE_ID}, whose load balancer is the ring ({@link ShardLoadBalancerConfiguration}). A shard's
 * 421 is retried once by the {@code resilience} package's attempt loop. Declared in code rather than
 * in properties, so that no configuration can point the route anywhere else.
 */
@Configuration(proxyBeanMethods = false)
@LoadBalancerClient(name = RoutingConfiguration.SERVICE_ID, configuration = ShardLoadBalancerConfiguration.class)
public class RoutingConfiguration {

    /** The load-balanced service that stands for "the shard that owns the user". */
    public static final String SERVICE_ID = "bookmark-service";

    /** The route's id, as Spring Cloud Gateway reports it. */
    public static final String ROUTE_ID = "shards";

    @Bean
    RouteLocator shardRoutes(RouteLocatorBuilder routes) {
        return routes.routes()
                .route(ROUTE_ID, route -> route.path("/api/users/{userId}", "/api/users/{userId}/**")
                        .uri("lb://" + SERVICE_ID))
                .build();
    }
}
