package dev.bookmarks.gateway.routing;

import dev.bookmarks.gateway.exchange.ShardRoute;
import java.net.URI;
import java.util.Locale;
import java.util.Map;
import org.springframework.cloud.client.ServiceInstance;

/**
 * A shard as Spring Cloud LoadBalancer sees it: the origin (scheme, host, port) of its URL in the
 * ring's directory. Only the origin is used; the request keeps its own path.
 */
final class ShardInstance implements ServiceInstance {

    private final String serviceId;
    private final ShardRoute route;
    private final boolean secure;
    private final int port;
    private final Map<String, String> metadata;

    ShardInstance(String serviceId, ShardRoute route) {
        this.serviceId = serviceId;
        this.route = route;
        URI url = route.url();
        this.secure = url.getScheme().toLowerCase(Locale.ROOT).equals("https");
        this.port = url.getPort() >= 0 ? url.getPort() : secure ? 443 : 80;
        this.metadata = Map.of("shardId", route.shardId(), "epoch", Long.toString(route.epoch()),
                "slot", Integer.toString(route.slot()));
    }

    @Override
    public String getInstanceId() {
        return route.shardId();
    }

    @Override
    public String getServiceId() {
        return serviceId;
    }

    @Override
    public String getHost() {
        return route.url().getHost();
    }

    @Override
    public int getPort() {
        return port;
    }

    @Override
    public boolean isSecure() {
        return secure;
    }

    @Override
    public URI getUri() {
        return URI.create((secure ? "https" : "http") + "://" + route.url().getRawAuthority());
    }

    @Override
    public String getScheme() {
        return secure ? "https" : "http";
    }

    @Override
    public Map<String, String> getMetadata() {
        return metadata;
    }

    @Override
    public String toString() {
        return "ShardInstance[" + route.shardId() + " " + getUri() + " epoch " + route.epoch() + "]";
    }
}
