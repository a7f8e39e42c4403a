package dev.bookmarks.testing.redis;

import dev.bookmarks.redis.RedisServerBinary;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Chooses where a {@link RealRedis} comes from. Its inputs (environment, PATH lookup, Docker
 * probe) are constructor arguments so that tests can force each branch, such as the
 * embedded-binary fallback on a machine that has redis-server on its PATH.
 */
final class RedisSources {

    private final Map<String, String> env;
    private final Supplier<Optional<Path>> redisServerOnPath;
    private final BooleanSupplier dockerAnswers;

    RedisSources(Map<String, String> env, Supplier<Optional<Path>> redisServerOnPath,
            BooleanSupplier dockerAnswers) {
        this.env = Map.copyOf(env);
        this.redisServerOnPath = redisServerOnPath;
        this.dockerAnswers = dockerAnswers;
    }

    /** This JVM's environment and PATH, and Testcontainers only if a Docker engine is hinted. */
    static RedisSources system() {
        Map<String, String> env = System.getenv();
        return new RedisSources(env, RedisServerBinary::onSystemPath,
                () -> RedisContainer.engineHinted(env) && RedisContainer.answers());
    }

    RealRedis start() {
        String url = env.get(RealRedis.REDIS_URL);
        if (url != null && !url.isBlank()) {
            RealRedis redis = RealRedis.external(url.strip());
            log(RealRedis.REDIS_URL + " is set: using " + redis
                    + "; it is not flushed, killed or stopped by this JVM");
            return redis;
        }
        if (!dockerAnswers.getAsBoolean()) {
            return startProcess(RealRedis.REDIS_URL + " is unset and no Docker engine answered");
        }
        RealRedis redis;
        try {
            redis = RedisContainer.start();
        } catch (RuntimeException e) {
            // An engine that answers may still be unable to pull the image (no registry access).
            return startProcess("a Docker engine answered but " + RedisContainer.IMAGE
                    + " did not start (" + e + ")");
        }
        log(RealRedis.REDIS_URL + " is unset and a Docker engine answered: using " + redis);
        return redis;
    }

    RealRedis startProcess() {
        return startProcess("a redis-server process was asked for");
    }

    RealRedis startTlsProcess() {
        return startProcess("a redis-server process with TLS was asked for", true);
    }

    private RealRedis startProcess(String why) {
        return startProcess(why, false);
    }

    private RealRedis startProcess(String why, boolean tls) {
        Optional<Path> onPath = redisServerOnPath.get();
        Path binary = onPath.orElseGet(RedisServerBinary::embedded);
        String origin = onPath.isPresent() ? "found on the PATH"
                : "shipped in embedded-redis; none is on the PATH";
        RealRedis redis = RealRedis.process(RedisProcess.start(binary, tls));
        log(why + ": started " + binary + " (" + origin + ") as pid " + redis.pid() + " at "
                + Endpoint.redact(redis.url()) + ", data in " + redis.dataDir());
        return redis;
    }

    private static void log(String line) {
        System.err.println("[RealRedis] " + line);
    }
}
