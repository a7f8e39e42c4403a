package dev.bookmarks.shardregistry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bookmarks.testing.redis.RealRedisExtension;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Failed logins on the management port are throttled per address; probes stay open. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "management.server.port=0",
        "bookmarks.registry.admin.users[0].name=admin",
        "bookmarks.registry.admin.users[0].password={noop}admin-secret",
        "bookmarks.registry.admin.failed-logins-per-minute=3",
        "bookmarks.registry.bootstrap.shards[0].id=s-1",
        "bookmarks.registry.bootstrap.shards[0].url=http://127.0.0.1:9001"})
@ActiveProfiles("local")
class AdminLoginIT {

    @RegisterExtension
    static final RealRedisExtension redis = new RealRedisExtension();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("spring.data.redis.url", () -> redis.get().url());
    }

    @LocalManagementPort
    int managementPort;

    @Test
    void anAddressThatFailsThreeLoginsIsAnswered429EvenWithTheRightPasswordButProbesStayOpen() {
        AdminClient guesser = AdminClient.as(managementPort, "admin", "wrong");
        AdminClient admin = AdminClient.as(managementPort, "admin", "admin-secret");
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
                .until(() -> admin.get("/actuator/ring").status() == 200);

        for (int i = 0; i < 3; i++) {
            assertThat(guesser.get("/actuator/ring").status()).isEqualTo(401);
        }
        AdminClient.Reply blocked = admin.get("/actuator/ring");

        assertThat(blocked.status()).isEqualTo(429);
        assertThat(blocked.isProblem()).isTrue();
        assertThat(Long.parseLong(blocked.retryAfter())).isBetween(1L, 60L);
        assertThat(AdminClient.anonymous(managementPort).get("/actuator/health/readiness").status()).isEqualTo(200);
    }
}
