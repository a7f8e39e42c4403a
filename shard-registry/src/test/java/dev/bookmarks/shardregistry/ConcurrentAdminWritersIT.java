package dev.bookmarks.shardregistry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bookmarks.testing.redis.RealRedisExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Eight administrators change the ring at once, each 200 times, always sending the epoch it last
 * saw. Compare-and-set on the epoch must make every answer honest: what was accepted is in the
 * final ring, what was refused (409) is not, and the epoch counts exactly the accepted changes. Each
 * change moves slots, so each is applied as an operator would: the 409 that counts the moved slots,
 * then the request that confirms that count on the same epoch.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "management.server.port=0",
        "logging.level.dev.bookmarks.shardregistry=WARN",
        "bookmarks.registry.admin.users[0].name=admin",
        "bookmarks.registry.admin.users[0].password={noop}admin-secret",
        "bookmarks.registry.bootstrap.shards[0].id=seed",
        "bookmarks.registry.bootstrap.shards[0].url=http://127.0.0.1:9001"})
// {noop} passwords, as the local stack uses them: allowed under the local profile only.
@ActiveProfiles("local")
class ConcurrentAdminWritersIT {

    private static final int WRITERS = 8;
    private static final int CHANGES_EACH = 200;
    private static final Duration WRITERS_BOUND = Duration.ofMinutes(30);

    @RegisterExtension
    static final RealRedisExtension redis = new RealRedisExtension();

    @DynamicPropertySource
    static void redis(DynamicPropertyRegistry registry) {
        registry.add("spring.data.redis.url", () -> redis.get().url());
    }

    @LocalManagementPort
    int managementPort;

    @Test
    void acceptsExactlyTheChangesWhoseExpectedEpochHeldAndRefusesTheRestWith409() throws Exception {
        AdminClient admin = AdminClient.as(managementPort, "admin", "admin-secret");
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
                .until(() -> admin.get("/actuator/ring").status() == 200);
        long startEpoch = admin.epoch();
        Set<String> accepted = ConcurrentHashMap.newKeySet();
        Set<String> refused = ConcurrentHashMap.newKeySet();
        List<String> unexpected = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> writers = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            int writer = w;
            writers.add(pool.submit(() -> {
                go.await();
                long seen = admin.epoch();
                for (int change = 0; change < CHANGES_EACH; change++) {
                    String shard = "w" + writer + "-" + change;
                    // Two requests when the epoch holds: the plan's 409, then its confirmation. Either
                    // can lose the race, and a lost race must be a 409 for the epoch, never a mismatch.
                    AdminClient.Reply reply = admin.postDiscardingMovedData("/actuator/shards/" + shard,
                            "{\"url\":\"http://127.0.0.1:" + (10000 + writer * 1000 + change)
                                    + "\",\"expectedEpoch\":" + seen + "}");
                    if (reply.status() == 201) {
                        accepted.add(shard);
                        seen = reply.json().get("epoch").asLong();
                    } else if (reply.status() == 409 && reply.isProblem() && reply.title().equals("Epoch changed")) {
                        refused.add(shard);
                        seen = admin.epoch();
                    } else {
                        synchronized (unexpected) {
                            unexpected.add(shard + ": " + reply.status() + " " + reply.text());
                        }
                    }
                }
                return null;
            }));
        }
        long started = System.nanoTime();
        go.countDown();
        pool.shutdown();
        // Only a guard against a hang: the run takes minutes on a busy machine, since every
        // accepted change makes the ring (and each later read of it) bigger.
        assertThat(pool.awaitTermination(WRITERS_BOUND.toMinutes(), TimeUnit.MINUTES))
                .as("all writers done within %s", WRITERS_BOUND).isTrue();
        Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
        for (Future<?> writer : writers) {
            writer.get();
        }

        JsonNode ring = admin.get("/actuator/ring").json();
        Set<String> inRing = new HashSet<>();
        for (JsonNode shard : ring.get("shards")) {
            inRing.add(shard.get("id").asString());
        }
        System.out.printf("[ConcurrentAdminWritersIT] %d writers x %d changes in %d ms: %d accepted, %d refused with 409,"
                + " final epoch %d%n", WRITERS, CHANGES_EACH, elapsed.toMillis(), accepted.size(), refused.size(),
                ring.get("epoch").asLong());

        assertThat(unexpected).isEmpty();
        assertThat(accepted.size() + refused.size()).isEqualTo(WRITERS * CHANGES_EACH);
        assertThat(accepted).isNotEmpty();
        assertThat(refused).isNotEmpty();
        assertThat(inRing).containsAll(accepted);
        assertThat(inRing).doesNotContainAnyElementsOf(refused);
        assertThat(inRing).hasSize(accepted.size() + 1);
        assertThat(ring.get("epoch").asLong() - startEpoch).isEqualTo(accepted.size());
    }
}
