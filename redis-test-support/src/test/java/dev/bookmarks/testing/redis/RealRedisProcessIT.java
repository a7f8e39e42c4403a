package dev.bookmarks.testing.redis;

import static dev.bookmarks.testing.redis.Commands.accepts;
import static dev.bookmarks.testing.redis.Commands.alive;
import static dev.bookmarks.testing.redis.Commands.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.bookmarks.redis.RedisServerBinary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The process source, run once with the redis-server on the PATH and once with the binary from
 * embedded-redis (forced by hiding the PATH one), since their Redis versions write different
 * append-only file layouts.
 */
class RealRedisProcessIT {

    static Stream<Arguments> binaries() {
        Supplier<Optional<Path>> path = RealRedisProcessIT::requirePathBinary;
        Supplier<Optional<Path>> none = Optional::empty;
        return Stream.of(Arguments.of("PATH", path), Arguments.of("embedded", none));
    }

    /**
     * CI installs Debian's redis-server, so there its absence is a failure; elsewhere the PATH
     * case is skipped and the embedded one still runs.
     */
    private static Optional<Path> requirePathBinary() {
        Optional<Path> binary = RedisServerBinary.onSystemPath();
        if (binary.isEmpty() && System.getenv("CI") != null) {
            throw new AssertionError("redis-server is not on the PATH; .ci/run must install it");
        }
        assumeTrue(binary.isPresent(), "redis-server is not on the PATH");
        return binary;
    }

    private static RealRedis start(Supplier<Optional<Path>> onPath) {
        return new RedisSources(Map.of(), onPath, () -> false).startProcess();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("binaries")
    void startsAndAnswersPing(String source, Supplier<Optional<Path>> onPath) {
        try (RealRedis redis = start(onPath)) {
            assertThat(send(redis, "PING")).isEqualTo("PONG");
            assertThat(redis.controlsProcess()).isTrue();
            assertThat(redis.host()).isEqualTo("127.0.0.1");
            assertThat(redis.url()).isEqualTo("redis://:" + redis.password() + "@127.0.0.1:" + redis.port());
            assertThat(alive(redis.pid())).isTrue();
            assertThat(send(redis, "INFO", "persistence")).contains("aof_enabled:1");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("binaries")
    void requiresThePasswordItsUrlCarriesAndKeepsItAcrossARestart(String source,
            Supplier<Optional<Path>> onPath) {
        try (RealRedis redis = start(onPath)) {
            assertThat(redis.password()).hasSizeGreaterThanOrEqualTo(32);
            assertThatThrownBy(() -> Resp.call(Endpoint.plain(redis.host(), redis.port()),
                    Duration.ofSeconds(30), "GET", "anything"))
                    .isInstanceOf(IOException.class).hasMessageContaining("NOAUTH");
            assertThatThrownBy(() -> Resp.call(Endpoint.parse(redis.urlWithPassword("wrong")),
                    Duration.ofSeconds(30), "PING"))
                    .isInstanceOf(IOException.class).hasMessageContaining("WRONGPASS");
            redis.kill();
            redis.restart();
            assertThat(send(redis, "PING")).isEqualTo("PONG");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("binaries")
    void dataWrittenBeforeKillIsThereAfterRestart(String source,
            Supplier<Optional<Path>> onPath) {
        try (RealRedis redis = start(onPath)) {
            assertThat(send(redis, "SET", "ring", "epoch-7")).isEqualTo("OK");
            assertThat(send(redis, "INCR", "counter")).isEqualTo("1");
            long killed = redis.pid();
            int port = redis.port();

            redis.kill();

            assertThat(alive(killed)).isFalse();
            assertThat(accepts(redis)).isFalse();

            redis.restart();

            assertThat(redis.port()).isEqualTo(port);
            assertThat(redis.pid()).isNotEqualTo(killed);
            assertThat(send(redis, "GET", "ring")).isEqualTo("epoch-7");
            assertThat(send(redis, "INCR", "counter")).isEqualTo("2");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("binaries")
    void closeLeavesNoProcessAndNoDataDir(String source, Supplier<Optional<Path>> onPath) {
        RealRedis redis = start(onPath);
        long pid = redis.pid();
        Path dataDir = redis.dataDir();
        assertThat(dataDir).isDirectory();

        redis.close();

        assertThat(alive(pid)).isFalse();
        assertThat(dataDir).doesNotExist();
        assertThat(accepts(redis)).isFalse();
        redis.close();
        assertThatThrownBy(redis::restart).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("after close()");
    }

    @Test
    void embeddedFallbackRunsTheBinaryFromTheJar() {
        try (RealRedis redis = start(Optional::empty)) {
            assertThat(redis.binary().getFileName().toString()).startsWith("redis-server-");
            assertThat(redis.binary().getParent().getFileName().toString())
                    .startsWith("real-redis-bin-");
            assertThat(Files.isExecutable(redis.binary())).isTrue();
            assertThat(ProcessHandle.of(redis.pid()).flatMap(h -> h.info().command()))
                    .hasValueSatisfying(command -> assertThat(command)
                            .endsWith(redis.binary().getFileName().toString()));
            assertThat(send(redis, "INFO", "server")).contains("redis_version:6.2.");
        }
    }

    @Test
    void twoInstancesGetDifferentPortsAndDataDirs() {
        try (RealRedis first = RealRedis.startProcess();
                RealRedis second = RealRedis.startProcess()) {
            assertThat(first.port()).isNotEqualTo(second.port());
            assertThat(first.dataDir()).isNotEqualTo(second.dataDir());
            send(first, "SET", "only-in", "first");
            assertThat(send(second, "GET", "only-in")).isNull();
        }
    }

    @Test
    void flushAllDeletesEveryKeyInEveryDatabase() {
        try (RealRedis redis = RealRedis.startProcess()) {
            // Each command is its own connection, so SWAPDB stands in for SELECT to fill db 1.
            send(redis, "SET", "a", "1");
            send(redis, "SWAPDB", "0", "1");
            send(redis, "SET", "b", "2");

            redis.flushAll();

            assertThat(send(redis, "DBSIZE")).isEqualTo("0");
            send(redis, "SWAPDB", "0", "1");
            assertThat(send(redis, "DBSIZE")).isEqualTo("0");
        }
    }

    @Test
    void restartWhileRunningIsRefused() {
        try (RealRedis redis = RealRedis.startProcess()) {
            assertThatThrownBy(redis::restart).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("still running");
            assertThat(send(redis, "PING")).isEqualTo("PONG");
        }
    }

    @Test
    void killTwiceIsHarmless() {
        try (RealRedis redis = RealRedis.startProcess()) {
            redis.kill();
            redis.kill();
            redis.restart();
            assertThat(send(redis, "PING")).isEqualTo("PONG");
        }
    }

    @Test
    void aContainerThatCannotStartFallsBackToAProcess() {
        // Where an engine may really answer, this would pull redis:7 instead of failing fast.
        assumeFalse(RedisContainer.engineHinted(System.getenv()), "a Docker engine is hinted");
        RedisSources dockerClaimsToAnswer =
                new RedisSources(Map.of(), RedisServerBinary::onSystemPath, () -> true);

        try (RealRedis redis = dockerClaimsToAnswer.start()) {
            assertThat(redis.controlsProcess()).isTrue();
            assertThat(send(redis, "PING")).isEqualTo("PONG");
        }
    }

    @Test
    void aBinaryThatDiesEarlyFailsWithItsLog(@TempDir Path dir) throws IOException {
        Path fake = dir.resolve("redis-server");
        Files.writeString(fake, "#!/bin/sh\necho 'FATAL: cannot start, args: '\"$*\"\nexit 3\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwx------"));

        assertThatThrownBy(() -> start(() -> Optional.of(fake)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("exited with code 3")
                .hasMessageContaining("FATAL: cannot start")
                .hasMessageContaining("--appendonly yes --appendfsync always");
    }
}
