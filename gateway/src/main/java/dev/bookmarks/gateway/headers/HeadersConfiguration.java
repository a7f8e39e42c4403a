package dev.bookmarks.gateway.headers;

import dev.bookmarks.gateway.GatewayProperties;
import dev.bookmarks.gateway.ProxyAllowList;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Header hygiene between the client and the shard: {@link InternalHeadersFilter}, {@link XForwardedHeadersWriter}. */
@Configuration(proxyBeanMethods = false)
public class HeadersConfiguration {

    @Bean
    InternalHeadersFilter internalHeadersFilter() {
        return new InternalHeadersFilter();
    }

    @Bean
    XForwardedHeadersWriter xForwardedHeadersWriter(GatewayProperties properties) {
        return new XForwardedHeadersWriter(ProxyAllowList.of(properties.trustedProxies()));
    }
}
