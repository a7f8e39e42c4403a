package dev.bookmarks.shardregistry;

import dev.bookmarks.registry.Problems;
import dev.bookmarks.ring.Shard;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * The ring's admin API on the management port, for ring administrators only:
 * <ul>
 *   <li>{@code POST /actuator/shards/{shardId}}
 *       {@code {"url", "weight", "expectedEpoch", "discardMovedData", "confirmMovedSlots"}} adds a shard
 *       (201) or updates its url or weight (200); {@code url} is required for a new shard, {@code weight}
 *       defaults to 1 (or the current weight);</li>
 *   <li>{@code DELETE /actuator/shards/{shardId}?expectedEpoch=&discardMovedData=&confirmMovedSlots=}
 *       removes one (200).</li>
 * </ul>
 * With {@code expectedEpoch}, a ring at any other epoch is a 409; without it, the change is applied
 * to the newest ring. A change that moves slots is a 409 that carries {@code movedSlots}, {@code moves}
 * and {@code epoch}, unless the request says {@code discardMovedData} true and {@code confirmMovedSlots}
 * equal to the number of slots it moves ({@link RingAdministration}).
 */
@Component
@Endpoint(id = "shards")
final class ShardsEndpoint {

    private final RingAdministration administration;

    ShardsEndpoint(RingAdministration administration) {
        this.administration = administration;
    }

    /**
     * @param force removed; still a parameter only to refuse it: Actuator ignores keys that no parameter
     *     names, so without it a request saying {@code "force": true} would be taken as one without, and
     *     its author would get a 409 that does not say the key is gone
     */
    @WriteOperation
    WebEndpointResponse<Map<String, Object>> upsert(@Selector String shardId, @Nullable String url,
            @Nullable Integer weight, @Nullable Long expectedEpoch, @Nullable Boolean discardMovedData,
            @Nullable Long confirmMovedSlots, @Nullable Object force) {
        refuseForce(force);
        RingAdministration.Change change = administration.upsert(shardId, url, weight, expectedEpoch,
                new RingAdministration.DiscardConsent(discardMovedData, confirmMovedSlots));
        return new WebEndpointResponse<>(view(change), change.created() ? 201 : 200);
    }

    /** @param force removed, as on {@link #upsert}: here a query parameter, refused when present */
    @DeleteOperation
    WebEndpointResponse<Map<String, Object>> remove(@Selector String shardId, @Nullable Long expectedEpoch,
            @Nullable Boolean discardMovedData, @Nullable Long confirmMovedSlots, @Nullable Object force) {
        refuseForce(force);
        return new WebEndpointResponse<>(view(administration.remove(shardId, expectedEpoch,
                new RingAdministration.DiscardConsent(discardMovedData, confirmMovedSlots))), 200);
    }

    /**
     * Any value, false included: a client that sends force was written for the API that left moved
     * slots' bookmarks behind without saying so, and should learn what replaced it before it changes
     * the ring again.
     */
    private static void refuseForce(@Nullable Object force) {
        if (force != null) {
            throw Problems.of(HttpStatus.BAD_REQUEST, "Force removed", "\"force\" was removed: it applied"
                    + " changes that move slots and left those slots' bookmarks on their old shards, lost to their"
                    + " users. A change that moves slots is now refused with a 409 that says how many it moves"
                    + " (movedSlots, moves, epoch); to apply it anyway and discard their bookmarks, repeat it with"
                    + " \"discardMovedData\": true and \"confirmMovedSlots\": movedSlots (query parameters"
                    + " discardMovedData=true&confirmMovedSlots= on DELETE). Online resharding"
                    + " (/actuator/migrations) moves slots with their bookmarks, the lossless way.");
        }
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
