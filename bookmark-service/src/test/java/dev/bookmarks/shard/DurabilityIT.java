package dev.bookmarks.shard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bookmarks.registry.RedisKeys;
import dev.bookmarks.ring.Ring;
import dev.bookmarks.ring.Shard;
import dev.bookmarks.testing.redis.RealRedisExtension;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
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
        try (var jedisLike = new java.net.Socket("127.0.0.1", redis.get().port())) {
            writeRing(jedisLike, keys, ring);
        }
        Map<String, JsonNode> acknowledged = new LinkedHashMap<>();
        try (ShardProcess shard = new ShardProcess("s-1", data, redis.get().url(), SECRET).start()) {
            GatewayClient gateway = new GatewayClient(shard.port(), SECRET, "s-1", ring.epoch());
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
            GatewayClient gateway = new GatewayClient(restarted.port(), SECRET, "s-1", ring.epoch());
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

    /** SET the ring keys over RESP, as RingStore's script would, without a Spring context here. */
    private static void writeRing(java.net.Socket socket, RedisKeys keys, Ring ring) throws Exception {
        var out = socket.getOutputStream();
        var in = socket.getInputStream();
        command(out, keys.ring().getBytes(StandardCharsets.UTF_8), ring.toBytes());
        command(out, keys.epoch().getBytes(StandardCharsets.UTF_8), Long.toString(ring.epoch()).getBytes(StandardCharsets.US_ASCII));
        out.flush();
        byte[] reply = new byte[10];
        int read = 0;
        while (read < 10) {
            read += in.read(reply, read, 10 - read);
        }
        assertThat(new String(reply, StandardCharsets.US_ASCII)).isEqualTo("+OK\r\n+OK\r\n");
    }

    private static void command(java.io.OutputStream out, byte[] key, byte[] value) throws Exception {
        out.write(("*3\r\n$3\r\nSET\r\n$" + key.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(key);
        out.write(("\r\n$" + value.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(value);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
    }
}
