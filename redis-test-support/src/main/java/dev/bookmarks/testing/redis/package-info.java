/**
 * A real Redis for tests of any module, with no Redis client of its own.
 *
 * <p>{@link dev.bookmarks.testing.redis.RealRedis#start()} takes, in order: the Redis named by
 * the {@code REDIS_URL} environment variable; a Testcontainers {@code redis:7} container when a
 * Docker engine answers; else a {@code redis-server} process, from the PATH or else the binary
 * shipped in {@code com.github.codemonstur:embedded-redis}. A process runs on 127.0.0.1 and a
 * free port with {@code --appendonly yes --appendfsync always} in its own temporary directory,
 * and can be killed with SIGKILL and restarted with its data.
 * {@link dev.bookmarks.testing.redis.RealRedis#startProcess()} always gives such a process.
 *
 * <p>In JUnit 5 tests, {@link dev.bookmarks.testing.redis.RealRedisExtension} gives one Redis per
 * test class. Depend on this module with {@code <scope>test</scope>}.
 */
package dev.bookmarks.testing.redis;
