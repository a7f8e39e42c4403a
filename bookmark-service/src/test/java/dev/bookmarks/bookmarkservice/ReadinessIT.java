package dev.bookmarks.bookmarkservice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bookmarks.registry.RingSigner;
import dev.bookmarks.registry.RingStore;
import dev.bookmarks.ring.Ring;
import dev.bookmarks.ring.Shard;
import dev.bookmarks.testing.redis.RealRedisExtension;
import dev.bookmarks.testing.redis.TestRingKeys;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** Kubernetes must not send users to a shard that cannot yet tell which users are its own. */
class ReadinessIT {

    @RegisterExtension
    static final RealRedisExtension redis = new RealRedisExtension();

    @TempDir
    Path data;

    @Test
    void isNotReadyUntilTheRingIsLoadedAndThenIs() {
        redis.get().flushAll();
        try (ConfigurableApplicationContext shard = new SpringApplicationBuilder(BookmarkServiceApplication.class).run(
                "--server.port=0", "--management.server.port=0", "--bookmarks.shard.id=s-1",
                "--bookmarks.shard.url=http://127.0.0.1:9001", "--bookmarks.shard.data-dir=" + data,
                "--bookmarks.shard.trust.secrets[0]=the internal secret of this test, 32+ bytes",
                "--spring.data.redis.url=" + redis.get().url(), "--bookmarks.registry.poll-interval=200ms",
                "--" + TestRingKeys.TRUSTED_KEYS_PROPERTY)) {
            String readiness = "http://127.0.0.1:" + managementPort(shard) + "/actuator/health/readiness";

            assertThat(status(readiness)).isEqualTo(503);

            shard.getBean(RingStore.class).compareAndSet(0,
                    Ring.create(1024, List.of(Shard.active("s-1", "http://127.0.0.1:9001", 1))),
                    RingSigner.parse(TestRingKeys.PRIVATE_KEY));

            // The watcher polls every 200 ms; the bound is for a slow machine, the wait ends on the first 200.
            await().atMost(Duration.ofSeconds(30)).until(() -> status(readiness) == 200);
        }
    }

    private static int status(String url) {
        return ActingGateway.send(HttpRequest.newBuilder(URI.create(url)).build()).statusCode();
    }

    private static int managementPort(ConfigurableApplicationContext context) {
        return Integer.parseInt(context.getEnvironment().getProperty("local.management.port"));
    }
}
