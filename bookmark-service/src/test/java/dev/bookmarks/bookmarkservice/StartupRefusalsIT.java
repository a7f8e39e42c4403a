package dev.bookmarks.bookmarkservice;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bookmarks.testing.redis.RealRedisExtension;
import dev.bookmarks.testing.redis.TestRingKeys;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;

/**
 * A shard that is not told who it is or how to trust its gateways, or is given a plain-text management password
 * or an out-of-range setting, refuses to start, and says why.
 */
class StartupRefusalsIT {

    @RegisterExtension
    static final RealRedisExtension redis = new RealRedisExtension();

    @TempDir
    Path data;

    @Test
    void refusesToStartWithoutAnInternalSecret() {
        assertThatThrownBy(() -> start(List.of()))
                .hasStackTraceContaining("bookmarks.shard.trust.secrets is empty");
    }

    @Test
    void refusesToStartWithAShortInternalSecret() {
        assertThatThrownBy(() -> start(List.of("--bookmarks.shard.trust.secrets[0]=too-short")))
                .hasStackTraceContaining("the internal secret must be at least 32 bytes: it has 9");
    }

    @Test
    void refusesToSwitchTrustOffOutsideTheTestProfile() {
        assertThatThrownBy(() -> start(List.of("--bookmarks.shard.trust.enabled=false")))
                .hasStackTraceContaining("bookmarks.shard.trust.enabled=false is allowed only under the test profile");
    }

    @Test
    void refusesAPlainTextManagementPasswordOutsideTheLocalProfile() {
        assertThatThrownBy(() -> start(List.of("--bookmarks.shard.trust.secrets[0]=" + "s".repeat(32),
                "--bookmarks.management.users[0].name=ops", "--bookmarks.management.users[0].password={noop}secret")))
                .hasStackTraceContaining("bookmarks.management.users: the password of ops is {noop} (plain text),"
                        + " allowed only under the local profile");
    }

    @Test
    void refusesACountsMaxAgeOutsideItsRange() {
        assertThatThrownBy(() -> start(List.of("--bookmarks.shard.trust.secrets[0]=" + "s".repeat(32),
                "--bookmarks.shard.counts-max-age=2h")))
                .hasStackTraceContaining("bookmarks.shard.counts-max-age must be in [PT1S, PT1H]: PT2H");
    }

    @Test
    void refusesAnOwnershipRefreshWaitOutsideItsRange() {
        assertThatThrownBy(() -> start(List.of("--bookmarks.shard.trust.secrets[0]=" + "s".repeat(32),
                "--bookmarks.shard.ownership.refresh-wait=10s")))
                .hasStackTraceContaining("bookmarks.shard.ownership.refresh-wait must be in [PT0.01S, PT5S]: PT10S");
    }

    @Test
    void refusesToStartWithoutAShardId() {
        assertThatThrownBy(() -> new SpringApplicationBuilder(BookmarkServiceApplication.class)
                .run("--server.port=0", "--management.server.port=0", "--bookmarks.shard.data-dir=" + data,
                        "--spring.data.redis.url=" + redis.get().url(),
                        "--" + TestRingKeys.TRUSTED_KEYS_PROPERTY).close())
                .hasStackTraceContaining("bookmarks.shard.id must be set");
    }

    private void start(List<String> extra) {
        List<String> args = new ArrayList<>(List.of("--server.port=0", "--management.server.port=0",
                "--bookmarks.shard.id=s-1", "--bookmarks.shard.url=http://127.0.0.1:9001",
                "--bookmarks.shard.data-dir=" + data, "--spring.data.redis.url=" + redis.get().url(),
                "--" + TestRingKeys.TRUSTED_KEYS_PROPERTY));
        args.addAll(extra);
        new SpringApplicationBuilder(BookmarkServiceApplication.class).run(args.toArray(String[]::new)).close();
    }
}
