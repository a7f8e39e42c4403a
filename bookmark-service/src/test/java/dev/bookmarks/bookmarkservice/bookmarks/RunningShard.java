package dev.bookmarks.bookmarkservice.bookmarks;

import static org.awaitility.Awaitility.await;

import dev.bookmarks.registry.RingSigner;
import dev.bookmarks.registry.RingStore;
import dev.bookmarks.registry.RingWatcher;
import dev.bookmarks.ring.Ring;
import dev.bookmarks.ring.Shard;
import dev.bookmarks.testing.redis.TestRingKeys;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.ActiveProfiles;

/**
 * The whole shard application on a random port, with the gateway-signature and slot-ownership
 * filters switched off (allowed under the {@code test} profile only), so these tests talk to the
 * bookmark API directly. Subclasses choose the database; test classes that extend the same
 * subclass and add no configuration share one started application (Spring's context cache).
 *
 * <p>Tests don't clean up: each uses users of its own ({@link #newUser}), so they don't see each
 * other's rows and can run in any order.
 *
 * <p>A ring is loaded before every test, although nothing here checks ownership: every write appends to the
 * change log under the user's slot, which takes the ring's slot count (without one a write is a 503).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "management.server.port=0",
        "bookmarks.shard.id=s-test",
        // Not the local profile: trust the tests' ring-signing key explicitly.
        "bookmarks.registry.ring-signing.trusted-keys=" + TestRingKeys.PUBLIC_KEY,
        "bookmarks.shard.url=http://127.0.0.1:9",
        "bookmarks.shard.trust.enabled=false",
        "bookmarks.shard.ownership.enabled=false",
        "bookmarks.registry.poll-interval=200ms",
        // The longest lease allowed: a key a test marks in progress (or a create still running)
        // stays so for the whole test, however slow the machine; lease expiry is tested on a MutableClock.
        "bookmarks.shard.idempotency.lease=10m"})
@ActiveProfiles("test")
abstract class RunningShard implements ShardTest {

    private static final AtomicInteger USERS = new AtomicInteger();
    /** The ring of every shard these tests start: they share one Redis ({@link SharedRedis}). */
    private static final Ring RING = Ring.create(1024, List.of(Shard.active("s-test", "http://127.0.0.1:9", 1)));

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    IdempotencyProperties idempotencyProperties;

    @Autowired
    ApplicationContext context;

    @Autowired
    RingStore ringStore;

    @Autowired
    RingWatcher ringWatcher;

    @BeforeEach
    void ringLoaded() {
        if (ringStore.readEpoch() == 0) {
            // Another shard of the run may write it first; either way one ring is there.
            ringStore.compareAndSet(0, RING, RingSigner.parse(TestRingKeys.PRIVATE_KEY));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> ringWatcher.current().isPresent());
    }

    @Override
    public ShardClient client() {
        return new ShardClient(port);
    }

    @Override
    public JdbcClient jdbc() {
        return jdbc;
    }

    @Override
    public IdempotencyProperties idempotencyProperties() {
        return idempotencyProperties;
    }

    @Override
    public <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    @Override
    public String newUser(String hint) {
        return hint + "-" + USERS.incrementAndGet();
    }
}
