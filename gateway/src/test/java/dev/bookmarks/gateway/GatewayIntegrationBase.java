package dev.bookmarks.gateway;

import static org.awaitility.Awaitility.await;

import dev.bookmarks.registry.Heartbeats;
import dev.bookmarks.registry.RingStore;
import dev.bookmarks.registry.RingWatcher;
import dev.bookmarks.ring.Ring;
import dev.bookmarks.ring.Shard;
import dev.bookmarks.testing.redis.RealRedis;
import dev.bookmarks.testing.redis.RealRedisExtension;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * What every gateway integration test sets up, after Spring Cloud Gateway's {@code BaseWebClientTests}:
 * one gateway on random ports (plain HTTP, a management port of its own) whose registry client reads a
 * real Redis of the class's own and polls it every 200 ms, and helpers that publish the ring the test
 * needs. A subclass adds its profile ({@code @ActiveProfiles("local")} for most), its own properties
 * ({@code @TestPropertySource}) and its stub shards ({@code @AutoClose static final StubShard}).
 */
// Each class's gateway (servers, event loops, Redis clients) is closed when the class ends, so no
// idle context of an earlier class shares the JVM's Netty resources with the next one.
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "management.server.port=0",
        "bookmarks.gateway.tls.enabled=false",
        "bookmarks.registry.poll-interval=200ms"})
abstract class GatewayIntegrationBase {

    /** The internal secret of the local profile ({@code application-local.yml}), to verify what a shard receives. */
    static final String LOCAL_SECRET = "local-development-secret-not-for-production";

    @RegisterExtension
    static final ClassRedis redis = new ClassRedis();

    @DynamicPropertySource
    static void redisUrl(DynamicPropertyRegistry registry) {
        registry.add("spring.data.redis.url", () -> redis.get().url());
    }

    @LocalServerPort
    int port;

    @LocalManagementPort
    int managementPort;

    @Autowired
    RingStore store;

    @Autowired
    RingWatcher watcher;

    @Autowired
    Heartbeats heartbeats;

    /**
     * Writes the next ring, in which these stub shards are the active owners (weight 1 each), and waits
     * until the gateway routes by it.
     */
    Ring publishRing(StubShard... owners) {
        return TestRings.publish(store, watcher, Arrays.stream(owners).map(GatewayIntegrationBase::activeShard).toList());
    }

    /**
     * Writes a first ring owned by this stub shard unless Redis holds one already, then waits until the
     * gateway holds a ring: the ring of the class's first test stays for all of them.
     */
    void publishFirstRing(StubShard owner) {
        if (store.read().isEmpty()) {
            store.compareAndSet(0, Ring.create(1024, List.of(activeShard(owner))), TestRings.SIGNER);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> watcher.current().isPresent());
    }

    /** A stub shard as the ring names it: active, weight 1. */
    static Shard activeShard(StubShard shard) {
        return Shard.active(shard.id(), shard.url(), 1);
    }

    /** On a test class: its Redis is a {@code redis-server} process, which a test may kill. */
    @Target(ElementType.TYPE)
    @Retention(RetentionPolicy.RUNTIME)
    @interface KillableRedis {
    }

    /**
     * The running class's Redis: a process when the class is {@link KillableRedis}, otherwise whatever
     * {@link RealRedis#start()} finds. Started before the class's first test, closed after its last.
     */
    static final class ClassRedis implements BeforeAllCallback, AfterAllCallback {

        private final RealRedisExtension anyRedis = new RealRedisExtension();
        private final RealRedisExtension process = RealRedisExtension.process();
        private volatile RealRedisExtension current;

        @Override
        public void beforeAll(ExtensionContext context) {
            current = context.getRequiredTestClass().isAnnotationPresent(KillableRedis.class) ? process : anyRedis;
            current.beforeAll(context);
        }

        @Override
        public void afterAll(ExtensionContext context) {
            current.afterAll(context);
        }

        /** The running class's Redis; valid from its first test to its last. */
        RealRedis get() {
            return current.get();
        }
    }
}
