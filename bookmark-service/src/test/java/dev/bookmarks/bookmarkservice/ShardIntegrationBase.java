package dev.bookmarks.bookmarkservice;

import static org.awaitility.Awaitility.await;

import dev.bookmarks.registry.RingSigner;
import dev.bookmarks.registry.RingStore;
import dev.bookmarks.registry.RingWatcher;
import dev.bookmarks.ring.Ring;
import dev.bookmarks.testing.redis.RealRedisExtension;
import dev.bookmarks.testing.redis.TestRingKeys;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * What every shard integration test of the security and management kind sets up: shard {@code s-1} on random
 * ports (both on 127.0.0.1), deployed as in production (no profile: a bcrypt operator, the test ring key
 * trusted), with a real Redis and a data directory of the class's own, counts at most a second old, and a
 * helper that writes the class's first ring. A subclass adds its own properties with
 * {@code @TestPropertySource}.
 */
// Each class's shard is closed when the class ends: its Redis and data directory end with the class too.
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "server.address=127.0.0.1",
        "management.server.port=0",
        "management.server.address=127.0.0.1",
        "bookmarks.shard.id=" + ShardIntegrationBase.SHARD_ID,
        "bookmarks.shard.url=" + ShardIntegrationBase.SHARD_URL,
        "bookmarks.shard.counts-max-age=1s",
        "bookmarks.shard.trust.secrets[0]=" + ShardIntegrationBase.SECRET,
        "bookmarks.registry.poll-interval=200ms",
        TestRingKeys.TRUSTED_KEYS_PROPERTY})
public abstract class ShardIntegrationBase {

    public static final String SHARD_ID = "s-1";
    public static final String SHARD_URL = "http://127.0.0.1:9001";
    /** The internal secret the shard under test shares with its (acting) gateways. */
    public static final String SECRET = "the internal secret of the shard tests, 32+ bytes";

    @RegisterExtension
    static final RealRedisExtension redis = new RealRedisExtension();

    @TempDir
    static Path data;

    @DynamicPropertySource
    static void perClass(DynamicPropertyRegistry registry) {
        registry.add("spring.data.redis.url", () -> redis.get().url());
        registry.add("bookmarks.shard.data-dir", () -> data.toString());
        registry.add("bookmarks.management.users[0].name", () -> TestOperator.NAME);
        registry.add("bookmarks.management.users[0].password", TestOperator::encodedPassword);
    }

    @LocalServerPort
    protected int port;

    @LocalManagementPort
    protected int managementPort;

    @Autowired
    protected RingStore store;

    @Autowired
    protected RingWatcher watcher;

    /**
     * Writes {@code ring} as the first ring unless Redis holds one already, then waits until the shard holds a
     * ring: the ring of the class's first test stays for all of them.
     */
    protected void publishFirstRing(Ring ring) {
        if (store.readEpoch() == 0) {
            store.compareAndSet(0, ring, RingSigner.parse(TestRingKeys.PRIVATE_KEY));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> watcher.current().isPresent());
    }

    /** A client that signs as a gateway would, for this shard, at {@code ring}'s epoch. */
    protected ActingGateway actingGateway(Ring ring) {
        return new ActingGateway(port, SECRET, SHARD_ID, ring.epoch());
    }
}
