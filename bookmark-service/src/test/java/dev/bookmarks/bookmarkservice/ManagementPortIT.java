package dev.bookmarks.bookmarkservice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bookmarks.registry.RingSigner;
import dev.bookmarks.registry.RingStore;
import dev.bookmarks.registry.RingWatcher;
import dev.bookmarks.ring.Ring;
import dev.bookmarks.ring.Shard;
import dev.bookmarks.protocol.attack.ManagementPortProbe;
import dev.bookmarks.protocol.attack.ManagementPortContract;
import dev.bookmarks.testing.redis.RealRedisExtension;
import dev.bookmarks.testing.redis.TestRingKeys;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A shard's management port, as deployed (no local profile, a bcrypt operator, bound to the address configured):
 * health and its probes answer anyone, with the status only; every other endpoint needs the operator, by every
 * spelling of its path; an address that fails too many logins is held off with 429.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "management.server.port=0",
        "management.server.address=127.0.0.1",
        "bookmarks.shard.id=s-1",
        "bookmarks.shard.url=http://127.0.0.1:9001",
        "bookmarks.shard.trust.secrets[0]=the internal secret of this test, 32+ bytes",
        "bookmarks.management.failed-logins-per-minute=" + ManagementPortIT.FAILED_LOGINS_PER_MINUTE,
        "bookmarks.registry.poll-interval=200ms",
        TestRingKeys.TRUSTED_KEYS_PROPERTY})
class ManagementPortIT extends ManagementPortContract {

    static final int FAILED_LOGINS_PER_MINUTE = 20;

    @RegisterExtension
    static final RealRedisExtension redis = new RealRedisExtension();

    @TempDir
    static Path data;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("spring.data.redis.url", () -> redis.get().url());
        registry.add("bookmarks.shard.data-dir", () -> data.toString());
        registry.add("bookmarks.management.users[0].name", () -> TestOperator.NAME);
        registry.add("bookmarks.management.users[0].password", TestOperator::encodedPassword);
    }

    @LocalManagementPort
    int managementPort;

    @Autowired
    RingStore store;

    @Autowired
    RingWatcher watcher;

    @BeforeEach
    void aRingIsLoaded() {
        if (store.readEpoch() == 0) {
            store.compareAndSet(0, Ring.create(1024, List.of(Shard.active("s-1", "http://127.0.0.1:9001", 1))),
                    RingSigner.parse(TestRingKeys.PRIVATE_KEY));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> watcher.current().isPresent());
    }

    @Test
    void showsTheOperatorItsCountsAndWhenTheyWereCounted() {
        assertThat(probe().get("/actuator/shard", probe().operator()).raw())
                .contains("\"shardId\":\"s-1\"", "\"countedAt\"");
        assertThat(probe().get("/actuator/prometheus", probe().operator()).raw()).contains("bookmarks_ring_epoch");
    }

    @Override
    protected ManagementPortProbe probe() {
        return new ManagementPortProbe(managementPort, TestOperator.NAME, TestOperator.PASSWORD,
                List.of("bookmarks_ring_epoch", "shardId", "slotsOwned"));
    }

    @Override
    protected List<String> protectedPaths() {
        return List.of("/actuator", "/actuator/prometheus", "/actuator/ring", "/actuator/route/alice",
                "/actuator/shard");
    }

    @Override
    protected List<String> healthComponents() {
        return List.of("ring", "db");
    }

    @Override
    protected int failedLoginsPerMinute() {
        return FAILED_LOGINS_PER_MINUTE;
    }
}
