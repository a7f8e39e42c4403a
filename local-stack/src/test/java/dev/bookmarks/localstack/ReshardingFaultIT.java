package dev.bookmarks.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Online resharding through faults, under the same load and with the same read-back as {@link ReshardingIT}:
 * while {@code shard-4} is added, kill -9 of the registry while a batch is frozen, kill -9 of the target while
 * a batch copies, and Redis restarted mid-migration; while {@code shard-2} is drained, kill -9 of the source while
 * its target catches up. Each killed process is started again, as an operator (or Kubernetes) would. Both
 * reshardings must end done, and nothing acknowledged may be lost, stale, resurrected or duplicated. Client
 * operations may fail while a shard is down (the client retries for about a minute); their count is printed.
 */
class ReshardingFaultIT extends ReshardingRig {

    @Test
    void killsOfRegistryTargetAndSourceAndARedisRestartMidMigrationLoseNothing() throws Exception {
        Running running = startLoad(client(60));
        try {
            Readiness.sleep(5_000);
            reshard("shard-4", "{\"url\":\"" + stack.shardUrl(3) + "\",\"batchSlots\":512,\"start\":true}");

            awaitInFlight("a frozen batch", flight -> flight.path("phase").asText().equals("FROZEN"));
            assertThat(stack.kill(stack.registry())).isTrue();
            Readiness.sleep(1_000);
            stack.restart("registry");
            System.out.println("[ReshardingFaultIT] registry killed with a batch frozen, and restarted");

            awaitInFlight("shard-4 copying", flight -> flight.path("phase").asText().equals("COPYING")
                    && flight.path("target").asText().equals("shard-4"));
            assertThat(stack.kill(shard("shard-4"))).isTrue();
            Readiness.sleep(1_000);
            stack.restart("shard-4");
            System.out.println("[ReshardingFaultIT] shard-4 (target) killed mid-copy, and restarted");

            awaitInFlight("a batch in flight", flight -> true);
            assertThat(stack.kill(stack.redis())).isTrue();
            Readiness.sleep(1_000);
            stack.restart("redis");
            System.out.println("[ReshardingFaultIT] Redis killed mid-migration, and restarted");

            JsonNode added = awaitDone(Duration.ofMinutes(8));

            reshard("shard-2", "{\"drain\":true,\"batchSlots\":512,\"start\":true}");
            JsonNode catchingUp = awaitInFlight("a target catching up from shard-2", flight ->
                    flight.path("source").asText().equals("shard-2")
                            && flight.path("report").path("phase").asText().equals("CATCHING_UP"));
            assertThat(stack.kill(shard("shard-2"))).isTrue();
            Readiness.sleep(1_000);
            stack.restart("shard-2");
            System.out.println("[ReshardingFaultIT] shard-2 (source) killed while " + catchingUp.path("target")
                    .asText() + " caught up, and restarted");
            JsonNode drained = awaitDone(Duration.ofMinutes(8));
            Readiness.sleep(3_000);

            Model record = running.finish();
            ReadBack readBack = readBack(record.live(), record.deleted());
            System.out.println("[ReshardingFaultIT] " + running.load().summary());
            System.out.printf("[ReshardingFaultIT] add shard-4: %s; drain shard-2: %s%n", added.path("progress"),
                    drained.path("progress"));
            System.out.printf("[ReshardingFaultIT] read-back: %d live bookmarks expected, %d deleted; lost %d,"
                            + " stale %d, resurrected %d, duplicated %d; failed client operations %d%n",
                    record.live().size(), record.deleted().size(), readBack.lost().size(), readBack.stale().size(),
                    readBack.resurrected().size(), readBack.duplicated().size(), running.load().failures.size());

            assertThat(added.path("progress").path("status").asText()).isEqualTo("DONE");
            assertThat(drained.path("progress").path("status").asText()).isEqualTo("DONE");
            assertThat(readBack.lost()).as("acknowledged bookmarks missing").isEmpty();
            assertThat(readBack.stale()).as("bookmarks without their last acknowledged replace").isEmpty();
            assertThat(readBack.resurrected()).as("deleted bookmarks back").isEmpty();
            assertThat(readBack.duplicated()).as("URLs listed twice").isEmpty();
            assertThat(record.live()).as("the load wrote something").hasSizeGreaterThan(100);
        } finally {
            running.stop().set(true);
            running.pool().shutdownNow();
        }
    }

    private static Service shard(String id) {
        return stack.shards().stream().filter(s -> s.name().equals(id)).findFirst().orElseThrow();
    }

    /** Polls /actuator/migrations until the batch in flight satisfies {@code wanted}; at most three minutes. */
    private static JsonNode awaitInFlight(String what, Predicate<JsonNode> wanted) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        JsonNode view = JSON.createObjectNode();
        while (System.nanoTime() < deadline) {
            try {
                view = JSON.readTree(send("GET", "/actuator/migrations", null).body());
            } catch (Exception registryAway) {
                Readiness.sleep(100);
                continue;
            }
            JsonNode flight = view.path("inFlight");
            if (flight.isObject() && wanted.test(flight)) {
                return flight;
            }
            Readiness.sleep(50);
        }
        throw new AssertionError("no " + what + " within 3 minutes: " + view);
    }
}
