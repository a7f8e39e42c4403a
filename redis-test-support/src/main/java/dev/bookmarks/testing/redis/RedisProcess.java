package dev.bookmarks.testing.redis;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One {@code redis-server} process on 127.0.0.1 and a free port, persisting every write to an
 * append-only file in its own temporary directory, so that after a SIGKILL the same port and
 * directory bring the data back. It requires a password ({@code requirepass}, random per process
 * and kept across restarts), so every client under test really logs in. With TLS it also listens
 * for TLS on a second port, with a self-signed certificate for 127.0.0.1 made in its directory.
 * Not thread-safe: {@link RealRedis} serialises calls.
 */
final class RedisProcess {

    static final String HOST = "127.0.0.1";

    // Bounds for a slow, busy machine (a start takes ~50 ms idle), not figures.
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration TERM_GRACE = Duration.ofSeconds(5);
    private static final Duration PROBE_TIMEOUT = Duration.ofMillis(500);
    private static final Duration POLL = Duration.ofMillis(20);
    private static final int PORT_ATTEMPTS = 3;
    private static final int LOG_TAIL_LINES = 25;

    private final Path binary;
    private final Path dataDir;
    private final Path log;
    private final int port;
    private final String password;
    private final TlsFiles tls;
    private Process process;
    private boolean stopped;

    private RedisProcess(Path binary, Path dataDir, int port, String password, TlsFiles tls) {
        this.binary = binary;
        this.dataDir = dataDir;
        this.log = dataDir.resolve("redis-server.log");
        this.port = port;
        this.password = password;
        this.tls = tls;
    }

    /** The TLS port and certificate of a process started with TLS. */
    record TlsFiles(int port, Path certificate, Path privateKey) {
    }

    /**
     * Starts {@code binary} on a free port with a new temporary data directory and returns once
     * it answers PING.
     *
     * @throws IllegalStateException if it exits, or stays silent for 10 s; the message carries
     *     the end of its log
     */
    static RedisProcess start(Path binary, boolean withTls) {
        Path dataDir;
        try {
            dataDir = Files.createTempDirectory("real-redis-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a data directory for redis-server", e);
        }
        try {
            String password = randomPassword();
            // The port is free when probed but not reserved: another process may take it before
            // redis-server binds, so a lost race is retried on a new port.
            for (int attempt = 1; ; attempt++) {
                TlsFiles tls = withTls ? SelfSigned.write(dataDir, freePort()) : null;
                RedisProcess redis = new RedisProcess(binary, dataDir, freePort(), password, tls);
                try {
                    redis.launch(false);
                    return redis;
                } catch (PortTaken e) {
                    if (attempt == PORT_ATTEMPTS) {
                        throw new IllegalStateException("redis-server found its port taken "
                                + PORT_ATTEMPTS + " times in a row; log tail:\n" + e.getMessage());
                    }
                }
            }
        } catch (RuntimeException e) {
            deleteRecursively(dataDir);
            throw e;
        }
    }

    int port() {
        return port;
    }

    String password() {
        return password;
    }

    /** The TLS listener, or {@code null} for a plain process. */
    TlsFiles tls() {
        return tls;
    }

    /** How the harness itself reaches this process: the plain port, with the password. */
    Endpoint endpoint() {
        return new Endpoint(HOST, port, false, null, password);
    }

    Path dataDir() {
        return dataDir;
    }

    Path binary() {
        return binary;
    }

    /** The PID of the process last started, even if it has since been killed. */
    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Sends SIGKILL and returns once the process is gone and the port refuses connections; a
     * no-op for a process that already died.
     *
     * @throws IllegalStateException if either takes longer than 10 s
     */
    void kill() {
        requireNotStopped("kill()");
        process.destroyForcibly();
        if (!awaitExit(EXIT_TIMEOUT)) {
            throw new IllegalStateException("redis-server pid " + process.pid()
                    + " still runs " + EXIT_TIMEOUT.toSeconds() + " s after SIGKILL");
        }
        Endpoint endpoint = Endpoint.plain(HOST, port);
        long deadline = System.nanoTime() + EXIT_TIMEOUT.toNanos();
        while (Resp.acceptsConnections(endpoint, PROBE_TIMEOUT)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("port " + port + " still accepts connections "
                        + EXIT_TIMEOUT.toSeconds() + " s after redis-server was killed");
            }
            pause();
        }
    }

    /**
     * Starts the binary again on the same port and data directory, so it replays the append-only
     * file, and returns once it answers PING.
     *
     * @throws IllegalStateException if the previous process still runs, if this was stopped, or
     *     if the new one does not become ready (the message carries the end of its log)
     */
    void restart() {
        requireNotStopped("restart()");
        if (process.isAlive()) {
            throw new IllegalStateException("redis-server pid " + process.pid() + " on port "
                    + port + " is still running: kill() it before restart()");
        }
        try {
            launch(true);
        } catch (PortTaken e) {
            throw new IllegalStateException("port " + port
                    + " was taken by another process while redis-server was down; log tail:\n"
                    + e.getMessage());
        }
    }

    /**
     * Sends SIGTERM, then SIGKILL if the process outlives a 5 s grace, and deletes the data
     * directory. Idempotent.
     */
    void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        if (process.isAlive()) {
            process.destroy();
            if (!awaitExit(TERM_GRACE)) {
                process.destroyForcibly();
                awaitExit(EXIT_TIMEOUT);
            }
        }
        deleteRecursively(dataDir);
    }

    private void launch(boolean appendToLog) {
        List<String> command = new ArrayList<>(List.of(
                binary.toString(),
                "--port", Integer.toString(port),
                "--bind", HOST,
                "--requirepass", password,
                // No RDB snapshots: the append-only file alone must carry the data across a kill.
                "--save", "",
                "--appendonly", "yes",
                // fsync before a write is acknowledged, so an acknowledged write survives SIGKILL.
                "--appendfsync", "always",
                "--dir", dataDir.toString(),
                "--protected-mode", "no",
                "--daemonize", "no"));
        if (tls != null) {
            // The plain port stays open for this harness's PING and FLUSHALL; clients under test
            // use the TLS port.
            command.addAll(List.of("--tls-port", Integer.toString(tls.port()),
                    "--tls-cert-file", tls.certificate().toString(),
                    "--tls-key-file", tls.privateKey().toString(),
                    "--tls-auth-clients", "no"));
        }
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(dataDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(appendToLog ? Redirect.appendTo(log.toFile())
                        : Redirect.to(log.toFile()))
                .redirectInput(Redirect.from(new File("/dev/null")));
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + binary, e);
        }
        awaitReady();
    }

    private void awaitReady() {
        Endpoint endpoint = endpoint();
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        String lastFailure = "no attempt";
        while (true) {
            if (!process.isAlive()) {
                String tail = logTail();
                if (tail.contains("Address already in use")) {
                    throw new PortTaken(tail);
                }
                throw new IllegalStateException(binary + " exited with code " + process.exitValue()
                        + " before answering PING on port " + port + "; log tail:\n" + tail);
            }
            try {
                String reply = Resp.call(endpoint, PROBE_TIMEOUT, "PING");
                if ("PONG".equals(reply)) {
                    return;
                }
                lastFailure = "unexpected reply " + reply;
            } catch (IOException e) {
                // Refused while it binds, or "-LOADING" while it replays the append-only file.
                lastFailure = e.toString();
            }
            if (System.nanoTime() > deadline) {
                process.destroyForcibly();
                awaitExit(EXIT_TIMEOUT);
                throw new IllegalStateException(binary + " did not answer PING on port " + port
                        + " within " + READY_TIMEOUT.toSeconds() + " s (last attempt: "
                        + lastFailure + "); log tail:\n" + logTail());
            }
            pause();
        }
    }

    private boolean awaitExit(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(
                    "interrupted while waiting for redis-server to exit", e);
        }
    }

    private void requireNotStopped(String operation) {
        if (stopped) {
            throw new IllegalStateException(operation + " after close(): this Redis is gone");
        }
    }

    String logTail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.ISO_8859_1);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES),
                    lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private static String randomPassword() {
        byte[] bytes = new byte[16];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port on " + HOST, e);
        }
    }

    private static void pause() {
        try {
            Thread.sleep(POLL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for redis-server", e);
        }
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }

    /** redis-server lost the race for its port; the message is its log tail. */
    private static final class PortTaken extends RuntimeException {

        private static final long serialVersionUID = 1L;

        PortTaken(String logTail) {
            super(logTail);
        }
    }
}
