package dev.bookmarks.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bookmarks.protocol.attack.ManagementPortContract;
import dev.bookmarks.protocol.attack.ManagementPortProbe;
import dev.bookmarks.ring.Shard;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * A gateway's management port: health and its probes answer anyone, with the status only; every other endpoint
 * needs an operator of {@code bookmarks.management.users}, by every spelling of its path; an address that fails
 * too many logins is held off with 429; the port listens on the configured address only (the local profile's
 * 127.0.0.1).
 */
@ActiveProfiles("local")
@TestPropertySource(properties = "bookmarks.management.failed-logins-per-minute="
        + ManagementPortIT.FAILED_LOGINS_PER_MINUTE)
class ManagementPortIT extends GatewayIntegrationBase implements ManagementPortContract {

    static final int FAILED_LOGINS_PER_MINUTE = 20;
    private static final String SCRAPER_PASSWORD = "the scraper's password, stored as bcrypt";

    @DynamicPropertySource
    static void operators(DynamicPropertyRegistry registry) {
        // One property source holds the whole list: Spring binds a list from one source only.
        registry.add("bookmarks.management.users[0].name", () -> GatewayClient.OPERATOR);
        registry.add("bookmarks.management.users[0].password", () -> "{noop}" + GatewayClient.OPERATOR_PASSWORD);
        registry.add("bookmarks.management.users[1].name", () -> "scraper");
        registry.add("bookmarks.management.users[1].password",
                () -> "{bcrypt}" + new BCryptPasswordEncoder(4).encode(SCRAPER_PASSWORD));
    }

    /** A ring, so that health is UP and the route endpoint has something to show. */
    @BeforeEach
    void aRingIsLoaded() {
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
    public ManagementPortProbe probe() {
        return new ManagementPortProbe(managementPort, GatewayClient.OPERATOR, GatewayClient.OPERATOR_PASSWORD,
                List.of("bookmarks_ring_epoch", "circuitBreakers", "shardId"));
    }

    @Override
    public List<String> protectedPaths() {
        return List.of("/actuator", "/actuator/prometheus", "/actuator/ring", "/actuator/route/alice",
                "/actuator/circuitbreakers");
    }

    @Override
    public List<String> healthComponents() {
        return List.of("ring");
    }

    @Override
    public int failedLoginsPerMinute() {
        return FAILED_LOGINS_PER_MINUTE;
    }
}
