package dev.bookmarks.testing.redis;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The Testcontainers source: whether a Docker engine answers, and a {@code redis:7} container.
 * Testcontainers is touched only from here, and only after {@link #engineHinted} found a sign
 * of an engine, so a machine without Docker never pays for (or sees the logs of) its probe.
 */
final class RedisContainer {

    static final String IMAGE = "redis:7";
    static final int REDIS_PORT = 6379;

    private RedisContainer() {
    }

    /**
     * Whether anything suggests a Docker engine: {@code DOCKER_HOST}, a {@code docker.host} in
     * {@code ~/.testcontainers.properties}, or one of the sockets Testcontainers looks for. Reads
     * only the environment and the file system, so it is instant and silent.
     */
    static boolean engineHinted(Map<String, String> env) {
        if (!blank(env.get("DOCKER_HOST"))) {
            return true;
        }
        String home = System.getProperty("user.home", "");
        Path properties = Path.of(home, ".testcontainers.properties");
        if (Files.isRegularFile(properties)) {
            Properties loaded = new Properties();
            try (InputStream in = Files.newInputStream(properties)) {
                loaded.load(in);
                if (!blank(loaded.getProperty("docker.host"))) {
                    return true;
                }
            } catch (IOException e) {
                // An unreadable file configures nothing; the socket checks below still apply.
            }
        }
        List<Path> sockets = new ArrayList<>(List.of(
                Path.of("/var/run/docker.sock"),
                Path.of(home, ".docker", "run", "docker.sock"),
                Path.of(home, ".docker", "desktop", "docker.sock"),
                Path.of(home, ".colima", "default", "docker.sock"),
                Path.of(home, ".rd", "docker.sock")));
        if (!blank(env.get("XDG_RUNTIME_DIR"))) {
            sockets.add(Path.of(env.get("XDG_RUNTIME_DIR"), "docker.sock"));
        }
        return sockets.stream().anyMatch(Files::exists);
    }

    /** Asks Testcontainers whether the engine really answers; may take seconds and log. */
    static boolean answers() {
        return DockerClientFactory.instance().isDockerAvailable();
    }

    /** Starts a {@code redis:7} container; closing the result stops the container. */
    static RealRedis start() {
        // Like a process, the container requires a password, so clients under test log in.
        byte[] random = new byte[16];
        new SecureRandom().nextBytes(random);
        String password = HexFormat.of().formatHex(random);
        GenericContainer<?> container = new GenericContainer<>(DockerImageName.parse(IMAGE))
                .withExposedPorts(REDIS_PORT)
                .withCommand("redis-server", "--requirepass", password);
        try {
            container.start();
            return RealRedis.container(container.getHost(), container.getMappedPort(REDIS_PORT),
                    password, container::stop);
        } catch (RuntimeException e) {
            container.stop();
            throw e;
        }
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
