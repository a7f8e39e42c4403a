package dev.bookmarks.bookmarkservice;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bookmarks.registry.RedisKeys;
import dev.bookmarks.registry.RingSigner;
import dev.bookmarks.registry.RingStore;
import dev.bookmarks.registry.TrustedRingKeys;
import dev.bookmarks.ring.Ring;
import dev.bookmarks.ring.Shard;
import dev.bookmarks.testing.redis.RealRedisExtension;
import dev.bookmarks.testing.redis.TestRingKeys;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** An acknowledged write survives kill -9 of the shard process. */
class DurabilityIT {

    private static final String SECRET = "the internal secret of this test, 32+ bytes";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int CREATES = 1000;

    @RegisterExtension
    static final RealRedisExtension redis = new RealRedisExtension();

    @TempDir
    Path data;

    @Test
    void keepsAllThousandAcknowledgedCreatesAcrossKillMinusNine() throws Exception {
        Ring ring = Ring.create(1024, List.of(Shard.active("s-1", "http://127.0.0.1:1", 1)));
        RedisKeys keys = new RedisKeys("bookmarks");
        redis.get().flushAll();
        writeRing(keys, ring);
        Map<String, JsonNode> acknowledged = new LinkedHashMap<>();
        try (ShardProcess shard = new ShardProcess("s-1", data, redis.get().url(), SECRET).start()) {
            ActingGateway gateway = new ActingGateway(shard.port(), SECRET, "s-1", ring.epoch());
            for (int i = 0; i < CREATES; i++) {
                String user = "user-" + (i % 50);
                HttpResponse<String> created = gateway.send("POST", "/api/users/" + user + "/bookmarks", user,
                        "{\"url\":\"https://example.com/" + i + "\",\"title\":\"Bookmark " + i
                                + "\",\"tags\":[\"t" + (i % 7) + "\"],\"notes\":\"note " + i + "\"}");
                assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
                JsonNode body = JSON.readTree(created.body());
                acknowledged.put(user + "/" + body.get("id").asString(), body);
            }
            shard.kill();
        }

        try (ShardProcess restarted = new ShardProcess("s-1", data, redis.get().url(), SECRET).start()) {
            ActingGateway gateway = new ActingGateway(restarted.port(), SECRET, "s-1", ring.epoch());
            int present = 0;
            for (Map.Entry<String, JsonNode> entry : acknowledged.entrySet()) {
                String user = entry.getKey().substring(0, entry.getKey().indexOf('/'));
                HttpResponse<String> read = gateway.send("GET", "/api/users/" + entry.getKey().replace(
                        user + "/", user + "/bookmarks/"), user, null);
                assertThat(read.statusCode()).as(entry.getKey()).isEqualTo(200);
                assertThat(JSON.readTree(read.body())).isEqualTo(entry.getValue());
                present++;
            }
            System.out.printf("Durability: %d of %d acknowledged creates present after kill -9%n", present, CREATES);
            assertThat(present).isEqualTo(CREATES);
        }
    }

    /** Writes the ring as the registry would (signed, by compare-and-set), from a connection of the test's own. */
    private void writeRing(RedisKeys keys, Ring ring) {
        LettuceConnectionFactory connections = new LettuceConnectionFactory(
                LettuceConnectionFactory.createRedisConfiguration(redis.get().url()));
        connections.afterPropertiesSet();
        connections.start();
        try {
            RingStore store = new RingStore(connections, keys, TrustedRingKeys.parse(List.of(TestRingKeys.PUBLIC_KEY)));
            assertThat(store.compareAndSet(0, ring, RingSigner.parse(TestRingKeys.PRIVATE_KEY)))
                    .isInstanceOf(RingStore.WriteResult.Written.class);
        } finally {
            connections.destroy();
        }
    }
}
