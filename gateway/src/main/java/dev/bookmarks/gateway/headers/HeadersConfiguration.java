package dev.bookmarks.gateway.headers;

import dev.bookmarks.gateway.GatewayProperties;
import dev.bookmarks.gateway.ProxyAllowList;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.gateway.config.HttpClientProperties;
import org.springframework.cloud.gateway.filter.NettyRoutingFilter;
import org.springframework.cloud.gateway.filter.NettyWriteResponseFilter;
import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.cloud.gateway.filter.headers.observation.ObservedRequestHttpHeadersFilter;
import org.springframework.cloud.gateway.filter.headers.observation.ObservedResponseHttpHeadersFilter;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.netty.http.client.HttpClient;

/**
 * Header hygiene between the client and the shard: {@link ShardRequestHeadersFilter} and
 * {@link ShardResponseHeadersFilter}, the only header filters of the HTTP client that sends requests to the shards.
 *
 * <p>Spring Cloud Gateway's {@code NettyRoutingFilter} applies every {@link HttpHeadersFilter} bean, and five of its
 * own are there whatever the configuration (hop-by-hop, X-Forwarded and Forwarded removal, transfer-encoding
 * normalisation, gRPC): each copies all headers once more, together about a tenth of a request's CPU time
 * (docs/benchmarks.md). Its routing filters are therefore switched off
 * ({@code spring.cloud.gateway.server.webflux.global-filter.netty-routing.enabled=false}, which takes
 * {@code NettyWriteResponseFilter} with it) and declared here again as Spring Cloud Gateway declares them, with
 * the same HTTP client and properties, but with these two header filters, which do that work in one pass. The
 * {@code HttpHeadersFilter} beans stay for {@code WebsocketRoutingFilter}, ours last among them.
 *
 * <p>Spring Cloud Gateway's observability ({@code spring.cloud.gateway.server.webflux.observability.enabled}) makes
 * two header filters of its own, which start and stop the client observation of each call to a shard and so write
 * its {@code traceparent}: the gateway's two filters call them, last, rather than adding to the list.
 */
@Configuration(proxyBeanMethods = false)
public class HeadersConfiguration {

    @Bean
    ShardRequestHeadersFilter shardRequestHeadersFilter(GatewayProperties properties,
            ObjectProvider<ObservedRequestHttpHeadersFilter> clientObservation) {
        return new ShardRequestHeadersFilter(ProxyAllowList.of(properties.trustedProxies()),
                clientObservation.getIfAvailable());
    }

    @Bean
    ShardResponseHeadersFilter shardResponseHeadersFilter(
            ObjectProvider<ObservedResponseHttpHeadersFilter> clientObservation) {
        return new ShardResponseHeadersFilter(clientObservation.getIfAvailable());
    }

    @Bean
    NettyRoutingFilter shardRoutingFilter(HttpClient httpClient, HttpClientProperties properties,
            ShardRequestHeadersFilter request, ShardResponseHeadersFilter response) {
        return new NettyRoutingFilter(httpClient, only(request, response), properties);
    }

    @Bean
    NettyWriteResponseFilter shardWriteResponseFilter(
            org.springframework.cloud.gateway.config.GatewayProperties properties,
            ShardRequestHeadersFilter request, ShardResponseHeadersFilter response) {
        return new NettyWriteResponseFilter(properties.getStreamingMediaTypes(), only(request, response));
    }

    private static ObjectProvider<List<HttpHeadersFilter>> only(HttpHeadersFilter... filters) {
        List<HttpHeadersFilter> list = List.of(filters);
        return new ObjectProvider<>() {

            @Override
            public List<HttpHeadersFilter> getObject() {
                return list;
            }

            @Override
            public List<HttpHeadersFilter> getObject(Object... arguments) {
                return list;
            }

            @Override
            public List<HttpHeadersFilter> getIfAvailable() {
                return list;
            }

            @Override
            public List<HttpHeadersFilter> getIfUnique() {
                return list;
            }
        };
    }
}
