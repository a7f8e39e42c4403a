package dev.bookmarks.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bookmarks.registry.RingStore;
import dev.bookmarks.registry.RingWatcher;
import dev.bookmarks.ring.Shard;
import dev.bookmarks.protocol.attack.ManagementPortProbe;
import dev.bookmarks.protocol.attack.ManagementPortContract;
import dev.bookmarks.testing.redis.RealRedisExtension;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A gateway's management port: health and its probes answer anyone, with the status only; every other endpoint
 * needs an operator of {@code bookmarks.management.users}, by every spelling of its path; an address that fails
 * too many logins is held off with 429; the port listens on the configured address only (the local profile's
 * 127.0.0.1).
 */
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "management.server.port=0",
        "bookmarks.gateway.tls.enabled=false",
        "bookmarks.management.failed-logins-per-minute=" + ManagementPortIT.FAILED_LOGINS_PER_MINUTE,
        "bookmarks.registry.poll-interval=200ms"})
@ActiveProfiles("local")
class ManagementPortIT extends ManagementPortContract {

    static final int FAILED_LOGINS_PER_MINUTE = 20;
    private static final String SCRAPER_PASSWORD = "the scraper's password, stored as bcrypt";

    @RegisterExtension
    static final RealRedisExtension redis = new RealRedisExtension();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("spring.data.redis.url", () -> redis.get().url());
        // One property source holds the whole list: Spring binds a list from one source only.
        registry.add("bookmarks.management.users[0].name", () -> GatewayClient.OPERATOR);
        registry.add("bookmarks.management.users[0].password", () -> "{noop}" + GatewayClient.OPERATOR_PASSWORD);
        registry.add("bookmarks.management.users[1].name", () -> "scraper");
        registry.add("bookmarks.management.users[1].password",
                () -> "{bcrypt}" + new BCryptPasswordEncoder(4).encode(SCRAPER_PASSWORD));
    }

    @LocalManagementPort
    int managementPort;

    /** A ring, so that health is UP and the route endpoint has something to show. */
    @BeforeEach
    void aRingIsLoaded(@Autowired RingStore store, @Autowired RingWatcher watcher) {
        if (watcher.current().isEmpty()) {
            TestRings.publish(store, watcher, List.of(Shard.active("s-a", "http://127.0.0.1:9", 1)));
        }
    }

    @Test
    void servesEveryEndpointToAnOperatorWhosePasswordIsStoredAsBcryptToo() {
        for (String path : protectedPaths()) {
            assertThat(probe().get(path, ManagementPortProbe.basic("scraper", SCRAPER_PASSWORD)).status()).as(path)
                    .isEqualTo(200);
        }
        assertThat(probe().get("/actuator/prometheus", probe().operator()).raw()).contains("bookmarks_ring_epoch");
    }

    @Override
    protected ManagementPortProbe probe() {
        return new ManagementPortProbe(managementPort, GatewayClient.OPERATOR, GatewayClient.OPERATOR_PASSWORD,
                List.of("bookmarks_ring_epoch", "circuitBreakers", "shardId"));
    }

    @Override
    protected List<String> protectedPaths() {
        return List.of("/actuator", "/actuator/prometheus", "/actuator/ring", "/actuator/route/alice",
                "/actuator/circuitbreakers");
    }

    @Override
    protected List<String> healthComponents() {
        return List.of("ring");
    }

    @Override
    protected int failedLoginsPerMinute() {
        return FAILED_LOGINS_PER_MINUTE;
    }
}
