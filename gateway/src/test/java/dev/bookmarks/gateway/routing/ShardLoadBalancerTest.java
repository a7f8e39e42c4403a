package dev.bookmarks.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bookmarks.gateway.exchange.ShardExchange;
import dev.bookmarks.gateway.exchange.ShardRoute;
import dev.bookmarks.ring.Ring;
import dev.bookmarks.ring.Shard;
import dev.bookmarks.ring.ShardState;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.DefaultRequest;
import org.springframework.cloud.client.loadbalancer.Request;
import org.springframework.cloud.client.loadbalancer.RequestData;
import org.springframework.cloud.client.loadbalancer.RequestDataContext;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.web.ErrorResponseException;

class ShardLoadBalancerTest {

    private static final List<Shard> SHARDS = List.of(
            Shard.active("s-1", "http://10.0.0.1:8080", 1),
            Shard.active("s-2", "http://10.0.0.2:8081", 2),
            Shard.active("s-3", "https://shard-3.internal", 1));

    private final AtomicReference<Optional<Ring>> ring = new AtomicReference<>(Optional.of(Ring.create(1024, SHARDS)));
    private final ShardLoadBalancer balancer = new ShardLoadBalancer("bookmark-service", ring::get, "7");

    @Test
    void sendsEveryUserToTheShardThatOwnsItsSlotAtTheShardsDirectoryAddress() {
        Ring current = ring.get().orElseThrow();
        Random random = new Random(20260101);
        for (int i = 0; i < 2000; i++) {
            String userId = randomUserId(random);

            ServiceInstance chosen = choose("/api/users/" + userId + "/bookmarks");

            Shard owner = current.ownerOf(userId);
            assertThat(chosen.getInstanceId()).isEqualTo(owner.id());
            assertThat(chosen.getHost()).isEqualTo(owner.url().getHost());
            assertThat(chosen.getServiceId()).isEqualTo("bookmark-service");
        }
    }

    @Test
    void takesPortAndSchemeFromTheShardsUrlWithDefaultPorts() {
        ServiceInstance first = choose("/api/users/" + userOwnedBy("s-1"));
        ServiceInstance third = choose("/api/users/" + userOwnedBy("s-3") + "/tags");

        assertThat(first.getPort()).isEqualTo(8080);
        assertThat(first.isSecure()).isFalse();
        assertThat(first.getUri()).isEqualTo(URI.create("http://10.0.0.1:8080"));
        assertThat(third.getPort()).isEqualTo(443);
        assertThat(third.isSecure()).isTrue();
        assertThat(third.getUri()).isEqualTo(URI.create("https://shard-3.internal"));
    }

    @Test
    void recordsTheUserSlotShardAndRingEpochOfTheChoiceInTheRequestAttributes() {
        Ring current = ring.get().orElseThrow();
        Map<String, Object> attributes = new HashMap<>();

        choose("/api/users/alice/bookmarks?tag=java", attributes);

        ShardRoute route = ShardExchange.route(attributes);
        assertThat(route.userId()).isEqualTo("alice");
        assertThat(route.slot()).isEqualTo(current.slotOf("alice"));
        assertThat(route.shardId()).isEqualTo(current.ownerOf("alice").id());
        assertThat(route.url()).isEqualTo(current.ownerOf("alice").url());
        assertThat(route.epoch()).isEqualTo(current.epoch());
    }

    @Test
    void followsANewRingFromTheNextRequestOn() {
        String userId = userOwnedBy("s-1");
        Ring next = ring.get().orElseThrow().rebalance(List.of(SHARDS.get(0).withState(ShardState.DRAINING),
                SHARDS.get(1), SHARDS.get(2)));
        ring.set(Optional.of(next));
        Map<String, Object> attributes = new HashMap<>();

        ServiceInstance chosen = choose("/api/users/" + userId, attributes);

        assertThat(chosen.getInstanceId()).isEqualTo(next.ownerOf(userId).id()).isNotEqualTo("s-1");
        assertThat(ShardExchange.route(attributes).epoch()).isEqualTo(next.epoch());
    }

    @Test
    void givesEveryGatewayTheSameAnswerBecauseOnlyTheRingDecides() {
        ShardLoadBalancer another = new ShardLoadBalancer("bookmark-service",
                () -> Optional.of(Ring.fromBytes(ring.get().orElseThrow().toBytes())), "7");
        Random random = new Random(7);
        for (int i = 0; i < 500; i++) {
            String path = "/api/users/" + randomUserId(random);

            assertThat(response(another, path, new HashMap<>()).getServer().getInstanceId())
                    .isEqualTo(choose(path).getInstanceId());
        }
    }

    @Test
    void refusesAnInvalidUserIdWith400AndSaysWhy() {
        for (String path : List.of("/api/users/al%20ice/bookmarks", "/api/users/", "/api/users//bookmarks",
                "/api/users/" + "a".repeat(65), "/api/users/../bookmarks", "/api/users/ali%63e")) {
            assertThatThrownBy(() -> choose(path)).as(path)
                    .isInstanceOfSatisfying(ErrorResponseException.class, e -> {
                        assertThat(e.getStatusCode().value()).isEqualTo(400);
                        assertThat(e.getBody().getDetail()).contains("[A-Za-z0-9._-]{1,64}");
                    });
        }
    }

    @Test
    void refusesAPathThatNamesNoUserWith404() {
        assertThatThrownBy(() -> choose("/api/bookmarks"))
                .isInstanceOfSatisfying(ErrorResponseException.class,
                        e -> assertThat(e.getStatusCode().value()).isEqualTo(404));
    }

    @Test
    void answersBeforeAnyRingWasLoadedWith503AndRetryAfter() {
        ring.set(Optional.empty());

        assertThatThrownBy(() -> choose("/api/users/alice/bookmarks"))
                .isInstanceOfSatisfying(ErrorResponseException.class, e -> {
                    assertThat(e.getStatusCode().value()).isEqualTo(503);
                    assertThat(e.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("7");
                    assertThat(e.getBody().getDetail()).contains("not loaded the ring");
                });
    }

    @Test
    void refusesARequestWithoutAUrlInsteadOfGuessing() {
        assertThatThrownBy(() -> balancer.choose().block(Duration.ofSeconds(5)))
                .isInstanceOfSatisfying(ErrorResponseException.class,
                        e -> assertThat(e.getStatusCode().value()).isEqualTo(500));
    }

    private ServiceInstance choose(String pathAndQuery) {
        return choose(pathAndQuery, new HashMap<>());
    }

    private ServiceInstance choose(String pathAndQuery, Map<String, Object> attributes) {
        Response<ServiceInstance> response = response(balancer, pathAndQuery, attributes);
        assertThat(response.hasServer()).isTrue();
        return response.getServer();
    }

    private static Response<ServiceInstance> response(ShardLoadBalancer balancer, String pathAndQuery,
            Map<String, Object> attributes) {
        RequestData data = new RequestData(HttpMethod.GET, URI.create("http://gateway.example" + pathAndQuery),
                new HttpHeaders(), new LinkedMultiValueMap<>(), attributes);
        Request<RequestDataContext> request = new DefaultRequest<>(new RequestDataContext(data, "default"));
        return balancer.choose(request).block(Duration.ofSeconds(5));
    }

    private String userOwnedBy(String shardId) {
        Ring current = ring.get().orElseThrow();
        for (int i = 0; i < 10_000; i++) {
            if (current.ownerOf("user-" + i).id().equals(shardId)) {
                return "user-" + i;
            }
        }
        throw new AssertionError("no user of " + shardId + " among 10000 candidates");
    }

    private static String randomUserId(Random random) {
        String alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-";
        int length = 1 + random.nextInt(64);
        StringBuilder id = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            id.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        String candidate = id.toString();
        // "." and ".." are dot-segments, which no path can carry as a user.
        return candidate.equals(".") || candidate.equals("..") ? "dot" + candidate : candidate;
    }
}
