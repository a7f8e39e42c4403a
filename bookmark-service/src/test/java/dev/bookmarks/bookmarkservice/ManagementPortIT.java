package dev.bookmarks.bookmarkservice;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bookmarks.protocol.attack.ManagementPortContract;
import dev.bookmarks.protocol.attack.ManagementPortProbe;
import dev.bookmarks.ring.Ring;
import dev.bookmarks.ring.Shard;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * A shard's management port, as deployed (no local profile, a bcrypt operator, bound to the address configured):
 * health and its probes answer anyone, with the status only; every other endpoint needs the operator, by every
 * spelling of its path; an address that fails too many logins is held off with 429.
 */
@TestPropertySource(properties = "bookmarks.management.failed-logins-per-minute="
        + ManagementPortIT.FAILED_LOGINS_PER_MINUTE)
class ManagementPortIT extends ShardIntegrationBase implements ManagementPortContract {

    static final int FAILED_LOGINS_PER_MINUTE = 20;

    @BeforeEach
    void aRingIsLoaded() {
        publishFirstRing(Ring.create(1024, List.of(Shard.active(SHARD_ID, SHARD_URL, 1))));
    }

    @Test
    void showsTheOperatorItsCountsAndWhenTheyWereCounted() {
        assertThat(probe().get("/actuator/shard", probe().operator()).raw())
                .contains("\"shardId\":\"s-1\"", "\"countedAt\"");
        assertThat(probe().get("/actuator/prometheus", probe().operator()).raw()).contains("bookmarks_ring_epoch");
    }

    @Override
    public ManagementPortProbe probe() {
        return new ManagementPortProbe(managementPort, TestOperator.NAME, TestOperator.PASSWORD,
                List.of("bookmarks_ring_epoch", "shardId", "slotsOwned"));
    }

    @Override
    public List<String> protectedPaths() {
        return List.of("/actuator", "/actuator/prometheus", "/actuator/ring", "/actuator/route/alice",
                "/actuator/shard");
    }

    @Override
    public List<String> healthComponents() {
        return List.of("ring", "db");
    }

    @Override
    public int failedLoginsPerMinute() {
        return FAILED_LOGINS_PER_MINUTE;
    }
}
