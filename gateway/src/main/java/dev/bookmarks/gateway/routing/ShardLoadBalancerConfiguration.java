package dev.bookmarks.gateway.routing;

import dev.bookmarks.gateway.GatewayProperties;
import dev.bookmarks.registry.RingWatcher;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * The load balancer of {@value RoutingConfiguration#SERVICE_ID}, in the child context Spring Cloud
 * LoadBalancer creates for that service. Deliberately not a {@code @Configuration}: component
 * scanning must not pick it up, or it would replace the load balancer of every service. Its bean
 * replaces the default round-robin balancer; the default instance-list supplier may exist in the
 * child context but is never consulted.
 */
public class ShardLoadBalancerConfiguration {

    @Bean
    ShardLoadBalancer shardLoadBalancer(Environment environment, RingWatcher watcher, GatewayProperties properties) {
        return new ShardLoadBalancer(environment.getProperty(LoadBalancerClientFactory.PROPERTY_NAME),
                watcher::current, properties.retryAfterHeader());
    }
}
