package dev.bookmarks.gateway.routing;

import dev.bookmarks.gateway.Problems;
import dev.bookmarks.gateway.exchange.ShardExchange;
import dev.bookmarks.gateway.exchange.ShardRoute;
import dev.bookmarks.ring.Ring;
import dev.bookmarks.ring.Shard;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.DefaultResponse;
import org.springframework.cloud.client.loadbalancer.Request;
import org.springframework.cloud.client.loadbalancer.RequestData;
import org.springframework.cloud.client.loadbalancer.RequestDataContext;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.cloud.loadbalancer.core.ReactorServiceInstanceLoadBalancer;
import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;
import reactor.core.publisher.Mono;

/**
 * Chooses the shard for a request the way the ring says, and no other way: user ID (from the request
 * path) to slot to the slot's owner, whose address comes from the ring's directory. Unlike Spring
 * Cloud LoadBalancer's {@code RoundRobinLoadBalancer}, which this replaces, it never looks at a list
 * of live instances: a failed health check or a dead shard must not move a user to a shard that does
 * not hold the user's data. A dead owner is still chosen, and its users get a fast 503.
 *
 * <p>The lookup reads the ring snapshot the {@code RingWatcher} holds (a volatile read) and two
 * array indexes; it takes no lock and makes no Redis call. The choice is recorded in the request's
 * attributes as a {@link ShardRoute} ({@link ShardExchange#route}), so that the request is signed
 * with the epoch it was routed by.
 *
 * <p>Refusals are errors carrying a problem: 400 for an invalid user ID, 503 with
 * {@code Retry-After} before any ring has been loaded.
 */
public final class ShardLoadBalancer implements ReactorServiceInstanceLoadBalancer {

    private final String serviceId;
    private final Supplier<Optional<Ring>> ring;
    private final String retryAfterSeconds;

    /**
     * @param serviceId the service this balancer serves ({@code bookmark-service})
     * @param ring the current ring snapshot, for example {@code RingWatcher::current}; called once per
     *     request, so it must be as cheap as a field read
     * @param retryAfterSeconds the {@code Retry-After} of a 503 before the first ring
     */
    public ShardLoadBalancer(String serviceId, Supplier<Optional<Ring>> ring, String retryAfterSeconds) {
        this.serviceId = serviceId;
        this.ring = ring;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Mono<Response<ServiceInstance>> choose(Request request) {
        try {
            return Mono.just(new DefaultResponse(route(request)));
        } catch (ErrorResponseException e) {
            return Mono.error(e);
        }
    }

    private ShardInstance route(Request<?> request) {
        if (!(request.getContext() instanceof RequestDataContext context) || context.getClientRequest() == null
                || context.getClientRequest().getUrl() == null) {
            throw Problems.of(HttpStatus.INTERNAL_SERVER_ERROR, "No request to route",
                    "the shard load balancer chooses by the request's path, and was given none");
        }
        RequestData data = context.getClientRequest();
        String userId = UserPaths.requireUser(data.getUrl().getRawPath());
        Ring current = ring.get().orElseThrow(() -> Problems.unavailable("No ring yet",
                "this gateway has not loaded the ring from Redis yet, so it cannot tell which shard holds this user",
                retryAfterSeconds));
        int slot = current.slotOf(userId);
        Shard owner = current.ownerOfSlot(slot);
        ShardRoute route = new ShardRoute(userId, slot, owner.id(), owner.url(), current.epoch());
        Map<String, Object> attributes = data.getAttributes();
        if (attributes != null) {
            ShardExchange.setRoute(attributes, route);
        }
        return new ShardInstance(serviceId, route);
    }
}
