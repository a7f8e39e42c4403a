package dev.bookmarks.testing.redis;

import static dev.bookmarks.testing.redis.Commands.alive;
import static dev.bookmarks.testing.redis.Commands.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code REDIS_URL} wins over every other source and is never flushed, killed or stopped. */
class RedisUrlSourceIT {

    private static final Supplier<Optional<Path>> NO_PATH_LOOKUP = () -> {
        throw new AssertionError("REDIS_URL is set: the PATH must not be searched");
    };
    private static final BooleanSupplier NO_DOCKER_PROBE = () -> {
        throw new AssertionError("REDIS_URL is set: Docker must not be probed");
    };

    private RealRedis server;

    @BeforeEach
    void startServer() {
        server = RealRedis.startProcess();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    private static RealRedis fromUrl(String url) {
        return new RedisSources(Map.of(RealRedis.REDIS_URL, url), NO_PATH_LOOKUP, NO_DOCKER_PROBE)
                .start();
    }

    @Test
    void usesTheUrlAsGivenWithoutFlushingIt() {
        send(server, "SET", "kept", "yes");

        try (RealRedis external = fromUrl(server.url())) {
            assertThat(external.url()).isEqualTo(server.url());
            assertThat(external.host()).isEqualTo("127.0.0.1");
            assertThat(external.port()).isEqualTo(server.port());
            assertThat(send(external, "GET", "kept")).isEqualTo("yes");
        }
    }

    @Test
    void cannotBeKilledOrRestartedAndCloseLeavesItRunning() {
        send(server, "SET", "kept", "yes");
        RealRedis external = fromUrl(server.url());

        assertThat(external.controlsProcess()).isFalse();
        assertThat(external.pid()).isEqualTo(-1);
        assertThatThrownBy(external::kill).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("kill() needs a redis-server process")
                .hasMessageContaining("external Redis");
        assertThatThrownBy(external::restart).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("restart() needs a redis-server process");

        external.close();

        assertThat(alive(server.pid())).isTrue();
        assertThat(send(server, "GET", "kept")).isEqualTo("yes");
    }

    @Test
    void logsInWithTheUserAndPasswordFromTheUrl() throws Exception {
        send(server, "SET", "doomed", "1");
        send(server, "CONFIG", "SET", "requirepass", "s3cret");
        String withPassword = "redis://:s3cret@127.0.0.1:" + server.port() + "/0";

        try (RealRedis external = fromUrl(withPassword)) {
            external.flushAll();
        }

        Endpoint asDefaultUser =
                Endpoint.parse("redis://default:s3cret@127.0.0.1:" + server.port());
        assertThat(Resp.call(asDefaultUser, Duration.ofSeconds(30), "DBSIZE")).isEqualTo("0");
        assertThatThrownBy(() -> fromUrl("redis://:hunter2@127.0.0.1:" + server.port()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("redis://***@127.0.0.1:" + server.port())
                .hasMessageContaining("does not answer PING")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void anUnreachableUrlFailsClearly() {
        int port = server.port();
        server.kill();

        assertThatThrownBy(() -> fromUrl("redis://127.0.0.1:" + port))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("REDIS_URL redis://127.0.0.1:" + port)
                .hasMessageContaining("does not answer PING");
    }
}
