package dev.bookmarks.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.cloud.gateway.filter.NettyRoutingFilter;
import org.springframework.util.ReflectionUtils;

class GatewayFilterOrderTest {

    @Test
    void springSecurityStandsWhereSpringSecurityPutsItsFilterChain() throws Exception {
        Class<?> configuration = Class.forName(
                "org.springframework.security.config.annotation.web.reactive.WebFluxSecurityConfiguration");
        var field = configuration.getDeclaredField("WEB_FILTER_CHAIN_FILTER_ORDER");
        ReflectionUtils.makeAccessible(field);

        assertThat(GatewayFilterOrder.SPRING_SECURITY).isEqualTo(field.getInt(null));
    }

    @Test
    void theCheapRefusalsComeBeforeSpringSecurity() {
        assertThat(GatewayFilterOrder.CANONICAL_PATH).isLessThan(GatewayFilterOrder.BODY_SIZE_LIMIT);
        assertThat(GatewayFilterOrder.BODY_SIZE_LIMIT).isLessThan(GatewayFilterOrder.CLIENT_ADDRESS_LIMIT);
        assertThat(GatewayFilterOrder.CLIENT_ADDRESS_LIMIT).isLessThan(GatewayFilterOrder.SPRING_SECURITY);
    }

    @Test
    void theAttemptLoopWrapsTheLoadBalancerAndTheBreakerAndSignatureFollowIt() {
        assertThat(GatewayFilterOrder.USER_RATE_LIMIT).isLessThan(GatewayFilterOrder.SHARD_RETRY);
        assertThat(GatewayFilterOrder.SHARD_RETRY).isLessThan(GatewayFilterOrder.MISDIRECTED_RETRY);
        assertThat(GatewayFilterOrder.MISDIRECTED_RETRY).isLessThan(GatewayFilterOrder.LOAD_BALANCER);
        assertThat(GatewayFilterOrder.LOAD_BALANCER).isLessThan(GatewayFilterOrder.SHARD_CIRCUIT_BREAKER);
        assertThat(GatewayFilterOrder.SHARD_CIRCUIT_BREAKER).isLessThan(GatewayFilterOrder.IDENTITY_SIGNING);
        assertThat(GatewayFilterOrder.IDENTITY_SIGNING).isLessThan(NettyRoutingFilter.ORDER);
    }
}
