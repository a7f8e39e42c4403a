package dev.bookmarks.testing.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A real Redis for a test: an external one named by {@code REDIS_URL}, a Testcontainers
 * {@code redis:7} container, or a {@code redis-server} process this JVM started and owns.
 *
 * <p>{@link #start()} picks the first that applies, in that order, and prints one line to
 * {@code System.err} naming the source and why. A process or container requires a password
 * (random, per instance), and {@link #url()} carries it, so every client under test logs in as
 * production requires. A process listens on 127.0.0.1 and a free port
 * and writes every acknowledged command to an append-only file ({@code appendfsync always}) in
 * its own temporary directory, so {@link #kill()} followed by {@link #restart()} keeps the data.
 *
 * <p>Nothing is flushed on start, and an external Redis is never flushed unless a test calls
 * {@link #flushAll()}. {@link #close()} stops what this JVM started; a JVM shutdown hook closes
 * whatever a test left open. Instances are thread-safe.
 */
public final class RealRedis implements AutoCloseable {

    /**
     * Environment variable naming an external Redis, as
     * {@code redis[s]://[[user]:password@]host[:port][/db]}.
     */
    public static final String REDIS_URL = "REDIS_URL";

    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);

    private final String url;
    private final Endpoint endpoint;
    private final String description;
    private final RedisProcess process;
    private final Runnable stopContainer;
    private boolean closed;

    private RealRedis(String url, Endpoint endpoint, String description, RedisProcess process,
            Runnable stopContainer) {
        this.url = url;
        this.endpoint = endpoint;
        this.description = description;
        this.process = process;
        this.stopContainer = stopContainer;
        if (process != null || stopContainer != null) {
            Reaper.track(this);
        }
    }

    /**
     * Starts (or, for {@code REDIS_URL}, connects to) a Redis: {@code REDIS_URL} if set, else a
     * {@code redis:7} container if a Docker engine answers, else a {@code redis-server} process
     * (from the PATH, else the binary shipped in embedded-redis). Returns once it answers PING.
     *
     * @throws IllegalStateException if the chosen Redis does not answer PING; the message says
     *     which source and, for a process, ends with its log
     */
    public static RealRedis start() {
        return RedisSources.system().start();
    }

    /**
     * Starts a {@code redis-server} process whatever {@code REDIS_URL} or Docker say, for tests
     * that need {@link #kill()} and {@link #restart()}.
     *
     * @throws IllegalStateException if no binary can run or it does not answer PING in 10 s
     */
    public static RealRedis startProcess() {
        return RedisSources.system().startProcess();
    }

    static RealRedis external(String url) {
        Endpoint endpoint = Endpoint.parse(url);
        RealRedis redis = new RealRedis(url, endpoint,
                "external Redis " + Endpoint.redact(url) + " from " + REDIS_URL, null, null);
        try {
            String reply = Resp.call(endpoint, COMMAND_TIMEOUT, "PING");
            if (!"PONG".equals(reply)) {
                throw new IllegalStateException(REDIS_URL + " " + Endpoint.redact(url)
                        + " answered PING with " + reply);
            }
        } catch (IOException e) {
            throw new IllegalStateException(REDIS_URL + " " + Endpoint.redact(url)
                    + " does not answer PING: " + e.getMessage(), e);
        }
        return redis;
    }

    static RealRedis container(String host, int port, String password, Runnable stopContainer) {
        String url = "redis://:" + password + "@" + host + ":" + port;
        return new RealRedis(url, new Endpoint(host, port, false, null, password),
                "Testcontainers " + RedisContainer.IMAGE + " at " + Endpoint.redact(url), null, stopContainer);
    }

    static RealRedis process(RedisProcess process) {
        RedisProcess.TlsFiles tls = process.tls();
        String url = (tls == null ? "redis" : "rediss") + "://:" + process.password() + "@" + RedisProcess.HOST
                + ":" + (tls == null ? process.port() : tls.port());
        return new RealRedis(url, process.endpoint(),
                "redis-server process at " + Endpoint.redact(url) + " (" + process.binary() + ", data in "
                        + process.dataDir() + ")", process, null);
    }

    /**
     * Starts a {@code redis-server} process that also speaks TLS: {@link #url()} is then
     * {@code rediss://:password@127.0.0.1:tlsPort}, and {@link #tlsCertificate()} is the PEM
     * certificate a client must trust (self-signed, for 127.0.0.1).
     *
     * @throws IllegalStateException if the binary cannot run or does not answer PING in time
     */
    public static RealRedis startTlsProcess() {
        return RedisSources.system().startTlsProcess();
    }

    /**
     * {@code redis://:password@host:port} ({@code rediss://} and the TLS port for
     * {@link #startTlsProcess()}), or {@code REDIS_URL} exactly as given: the URL carries the
     * credential, so {@code spring.data.redis.url} is all a client under test needs.
     */
    public String url() {
        return url;
    }

    /** {@link #url()} with {@code password} in place of the right one, to show a refused login. */
    public String urlWithPassword(String password) {
        try {
            URI uri = new URI(url);
            return new URI(uri.getScheme(), ":" + password, uri.getHost(), uri.getPort(), uri.getPath(), null, null)
                    .toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException("not a URL: " + Endpoint.redact(url), e);
        }
    }

    /** The password Redis requires, or {@code null} when it requires none (an external Redis may not). */
    public String password() {
        return endpoint.password();
    }

    /**
     * The PEM certificate of a {@link #startTlsProcess()} Redis, for a client's trust store.
     *
     * @throws IllegalStateException for a Redis without TLS
     */
    public Path tlsCertificate() {
        if (process == null || process.tls() == null) {
            throw new IllegalStateException("no TLS certificate: " + description
                    + " was not started by RealRedis.startTlsProcess()");
        }
        return process.tls().certificate();
    }

    public String host() {
        return endpoint.host();
    }

    public int port() {
        return endpoint.port();
    }

    /**
     * The PID of the {@code redis-server} process last started (even if since killed), or -1
     * when this Redis is not a process this JVM started.
     */
    public synchronized long pid() {
        return process == null ? -1 : process.pid();
    }

    /** Whether this is a {@code redis-server} process this JVM started: kill and restart work. */
    public boolean controlsProcess() {
        return process != null;
    }

    /**
     * Kills the process with SIGKILL, as a crash would, and returns once it is gone and its port
     * refuses connections. A no-op if it is already dead.
     *
     * @throws IllegalStateException if this is not a process ({@link #controlsProcess()} is
     *     false), if it was closed, or if the process or port outlives 10 s
     */
    public synchronized void kill() {
        requireProcess("kill()").kill();
    }

    /**
     * Starts the killed process again on the same port and data directory and returns once it
     * answers PING, with every write it acknowledged before the kill replayed from its
     * append-only file.
     *
     * @throws IllegalStateException if this is not a process ({@link #controlsProcess()} is
     *     false), if it was closed, if the process is still running (call {@link #kill()}
     *     first), or if it does not answer PING within 10 s (the message ends with its log)
     */
    public synchronized void restart() {
        requireProcess("restart()").restart();
    }

    /**
     * Deletes every key in every database, for isolation between tests.
     *
     * @throws UncheckedIOException if Redis does not answer {@code OK} within 5 s
     * @throws IllegalStateException if this was closed
     */
    public synchronized void flushAll() {
        requireOpen("flushAll()");
        try {
            String reply = Resp.call(endpoint, COMMAND_TIMEOUT, "FLUSHALL");
            if (!"OK".equals(reply)) {
                throw new IOException("FLUSHALL answered " + reply);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("FLUSHALL failed on " + description, e);
        }
    }

    /**
     * Stops a process (SIGTERM, then SIGKILL after 5 s) and deletes its data directory, or stops
     * the container; leaves an external Redis alone. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (process != null) {
                process.stop();
            } else if (stopContainer != null) {
                stopContainer.run();
            }
        } finally {
            Reaper.forget(this);
        }
    }

    /** The process's data directory, or {@code null} when this is not a process. */
    Path dataDir() {
        return process == null ? null : process.dataDir();
    }

    /** The executable the process runs, or {@code null} when this is not a process. */
    Path binary() {
        return process == null ? null : process.binary();
    }

    @Override
    public String toString() {
        return description;
    }

    private RedisProcess requireProcess(String operation) {
        if (process == null) {
            throw new IllegalStateException(operation + " needs a redis-server process started by"
                    + " this JVM, but this is the " + description
                    + "; use RealRedis.startProcess() or RealRedisExtension.process()");
        }
        requireOpen(operation);
        return process;
    }

    private void requireOpen(String operation) {
        if (closed) {
            throw new IllegalStateException(operation + " after close() of " + description);
        }
    }
}
