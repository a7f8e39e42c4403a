package dev.bookmarks.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Online resharding with real processes under load: while {@value #THREADS} client threads work, the registry
 * adds {@code shard-4} and then drains {@code shard-2}, which is then removed from the directory; the read-back
 * finds nothing lost, stale, resurrected or duplicated, and no client operation failed. Prints the load's figures
 * before and during the resharding (reads and writes apart) and each batch's write pause.
 */
class ReshardingIT extends ReshardingRig {

    @Test
    void addingAShardAndDrainingAnotherUnderLoadLosesResurrectsAndDuplicatesNothing() throws Exception {
        Running running = startLoad(client(30));
        Load load = running.load();
        try {
            // JIT and connection pools warm up first: the baseline is the load of a warm stack.
            Readiness.sleep(10_000);
            load.mark("before");
            Readiness.sleep(10_000);
            load.mark("resharding");
            System.out.printf("[ReshardingIT] resharding starts %d ms into the load%n", (System.nanoTime() - load.start) / 1_000_000);
            long addStarted = System.nanoTime();
            JsonNode add = reshard("shard-4", "{\"url\":\"" + stack.shardUrl(3) + "\",\"batchSlots\":1024,\"start\":true}");
            JsonNode added = awaitDone(Duration.ofMinutes(6));
            double addSeconds = (System.nanoTime() - addStarted) / 1e9;
            long drainStarted = System.nanoTime();
            JsonNode drain = reshard("shard-2", "{\"drain\":true,\"batchSlots\":1024,\"start\":true}");
            JsonNode drained = awaitDone(Duration.ofMinutes(6));
            double drainSeconds = (System.nanoTime() - drainStarted) / 1e9;
            HttpResponse<String> removed = send("DELETE", "/actuator/shards/shard-2", null);
            load.mark("after");
            System.out.printf("[ReshardingIT] shard-2 removed %d ms into the load%n", (System.nanoTime() - load.start) / 1_000_000);
            Readiness.sleep(3_000);
            Model record = running.finish();
            Map<String, Expected> expected = record.live();
            List<String> deleted = record.deleted();

            ReadBack readBack = readBack(expected, deleted);
            System.out.println("[ReshardingIT] " + load.summary());
            System.out.printf("[ReshardingIT] add shard-4: %d slots in %s batches, %.1f s, rows copied %d, write pause"
                            + " per batch %s%n", added.path("progress").path("slotsMoved").asInt(),
                    added.path("progress").path("batches").asText(), addSeconds,
                    added.path("progress").path("rowsCopied").asLong(), added.path("pauses"));
            System.out.printf("[ReshardingIT] drain shard-2: %d slots in %s batches, %.1f s, rows copied %d, write"
                            + " pause per batch %s%n", drained.path("progress").path("slotsMoved").asInt(),
                    drained.path("progress").path("batches").asText(), drainSeconds,
                    drained.path("progress").path("rowsCopied").asLong(), drained.path("pauses"));
            System.out.printf("[ReshardingIT] read-back: %d live bookmarks expected, %d deleted; lost %d, stale %d,"
                    + " resurrected %d, duplicated %d%n", expected.size(), deleted.size(), readBack.lost().size(),
                    readBack.stale().size(), readBack.resurrected().size(), readBack.duplicated().size());

            assertThat(add.path("movedSlots").asInt()).isPositive();
            assertThat(drain.path("movedSlots").asInt()).isPositive();
            assertThat(added.path("progress").path("status").asText()).isEqualTo("DONE");
            assertThat(drained.path("progress").path("status").asText()).isEqualTo("DONE");
            assertThat(removed.statusCode()).as(removed.body()).isEqualTo(200);
            assertThat(load.failures).as("failed client operations").isEmpty();
            assertThat(readBack.lost()).as("acknowledged bookmarks missing").isEmpty();
            assertThat(readBack.stale()).as("bookmarks without their last acknowledged replace").isEmpty();
            assertThat(readBack.resurrected()).as("deleted bookmarks back").isEmpty();
            assertThat(readBack.duplicated()).as("URLs listed twice").isEmpty();
            assertThat(expected).as("the load wrote something").hasSizeGreaterThan(100);
            assertThat(notPermittedByBreakers()).as("calls the gateway's breakers refused: a slot's freeze is no"
                    + " shard failure").isZero();
            JsonNode ring = JSON.readTree(send("GET", "/actuator/ring", null).body());
            List<String> ids = new ArrayList<>();
            ring.path("shards").forEach(shard -> ids.add(shard.path("id").asText()));
            assertThat(ids).containsExactlyInAnyOrder("shard-1", "shard-3", "shard-4");
        } finally {
            running.stop().set(true);
            running.pool().shutdownNow();
        }
    }
}
