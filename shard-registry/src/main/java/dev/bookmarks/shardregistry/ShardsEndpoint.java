package dev.bookmarks.shardregistry;

import dev.bookmarks.ring.Shard;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.stereotype.Component;

/**
 * The ring's admin API on the management port, for ring administrators only:
 * <ul>
 *   <li>{@code POST /actuator/shards/{shardId}} {@code {"url", "weight", "expectedEpoch", "force"}}
 *       adds a shard (201) or updates its url or weight (200); {@code url} is required for a new
 *       shard, {@code weight} defaults to 1 (or the current weight);</li>
 *   <li>{@code DELETE /actuator/shards/{shardId}?expectedEpoch=&force=} removes one (200).</li>
 * </ul>
 * With {@code expectedEpoch}, a ring at any other epoch is a 409; without it, the change is applied
 * to the newest ring. A change that moves slots is a 409 unless {@code force} is true.
 */
@Component
@Endpoint(id = "shards")
final class ShardsEndpoint {

    private final RingAdministration administration;

    ShardsEndpoint(RingAdministration administration) {
        this.administration = administration;
    }

    @WriteOperation
    WebEndpointResponse<Map<String, Object>> upsert(@Selector String shardId, @Nullable String url,
            @Nullable Integer weight, @Nullable Long expectedEpoch, @Nullable Boolean force) {
        RingAdministration.Change change =
                administration.upsert(shardId, url, weight, expectedEpoch, Boolean.TRUE.equals(force));
        return new WebEndpointResponse<>(view(change), change.created() ? 201 : 200);
    }

    @DeleteOperation
    WebEndpointResponse<Map<String, Object>> remove(@Selector String shardId, @Nullable Long expectedEpoch,
            @Nullable Boolean force) {
        return new WebEndpointResponse<>(view(administration.remove(shardId, expectedEpoch, Boolean.TRUE.equals(force))), 200);
    }

    private static Map<String, Object> view(RingAdministration.Change change) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("epoch", change.epoch());
        body.put("movedSlots", change.movedSlots());
        Shard shard = change.shard();
        if (shard != null) {
            body.put("shard", Map.of("id", shard.id(), "url", shard.url().toString(), "weight", shard.weight(),
                    "state", shard.state().name()));
        }
        return body;
    }
}
