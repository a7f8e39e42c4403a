package dev.bookmarks.bookmarkservice;

import dev.bookmarks.testing.redis.TestRingKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The shard as a real process, started from the module's executable jar on loopback ports and
 * stopped by PID, the way an operator or a crash would stop it.
 */
public final class ShardProcess implements AutoCloseable {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

    private final List<String> arguments;
    private final String identity;
    private final Path log;
    private final int port;
    private final int managementPort;
    private Process process;

    public ShardProcess(String shardId, Path dataDir, String redisUrl, String secret) {
        this.port = freePort();
        this.managementPort = freePort();
        this.log = dataDir.resolve("shard.log");
        this.identity = "\"url\":\"http://127.0.0.1:" + port + "\"";
        this.arguments = List.of(
                "--server.port=" + port, "--management.server.port=" + managementPort,
                "--bookmarks.shard.id=" + shardId, "--bookmarks.shard.url=http://127.0.0.1:" + port,
                "--bookmarks.shard.data-dir=" + dataDir, "--bookmarks.shard.trust.secrets[0]=" + secret,
                "--spring.data.redis.url=" + redisUrl, "--bookmarks.registry.poll-interval=200ms",
                "--" + TestRingKeys.TRUSTED_KEYS_PROPERTY,
                TestOperator.arguments().get(0), TestOperator.arguments().get(1));
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    /**
     * Starts the jar and returns once it is ready: its readiness group answers 200 (ring loaded,
     * migrations run) and its shard endpoint names this shard, so a stray process on a reused port
     * cannot pass for it.
     */
    public ShardProcess start() {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-jar", jar().toString()));
        command.addAll(arguments);
        try {
            Files.createDirectories(log.getParent());
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            Awaitility.await().atMost(READY_TIMEOUT).pollInterval(Duration.ofMillis(200)).until(() -> {
                if (!process.isAlive()) {
                    throw new IllegalStateException("the shard exited with " + process.exitValue() + "; log:\n" + tail());
                }
                return answers("/actuator/health/readiness", 200) && shardEndpointNamesThisShard();
            });
        } catch (ConditionTimeoutException e) {
            throw new IllegalStateException("the shard was not ready within " + READY_TIMEOUT + "; log:\n" + tail(), e);
        }
        return this;
    }

    private boolean answers(String path, int status) {
        try {
            return ActingGateway.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + path))
                    .timeout(Duration.ofSeconds(2)).build()).statusCode() == status;
        } catch (RuntimeException notListeningYet) {
            return false;
        }
    }

    private boolean shardEndpointNamesThisShard() {
        try {
            return ActingGateway.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort
                    + "/actuator/shard")).header("Authorization", TestOperator.authorization())
                    .timeout(Duration.ofSeconds(2)).build()).body().contains(identity);
        } catch (RuntimeException notListeningYet) {
            return false;
        }
    }

    /** SIGKILL, as a crash: no shutdown hook, no graceful drain, no flush. */
    public void kill() {
        process.destroyForcibly();
        awaitExit();
    }

    /** SIGTERM: the graceful path. */
    public void terminate() {
        process.destroy();
        awaitExit();
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            kill();
        }
    }

    private void awaitExit() {
        try {
            if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                throw new IllegalStateException("pid " + process.pid() + " outlived 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** The executable jar the package phase built, which failsafe runs after. */
    static Path jar() {
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            return files.filter(p -> p.getFileName().toString().matches("bookmark-service-.*\\.jar"))
                    .findFirst().orElseThrow(() -> new IllegalStateException(
                            "no bookmark-service jar in target/: run ./mvnw verify, which packages before integration tests"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
