package dev.bookmarks.bookmarkservice.bookmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throw-away PostgreSQL cluster for tests: {@code initdb} into a temporary directory, started by
 * {@code pg_ctl} on a free loopback port with its socket in that directory, trust authentication
 * for the {@code postgres} role, and durability switched off (fsync, synchronous commit) because
 * the cluster is deleted afterwards. PostgreSQL refuses to run as root, so when the tests run as
 * root the directory is given to the {@code postgres} OS user (created by Debian's package) and
 * the commands run through {@code runuser -u postgres}.
 *
 * <p>The binaries are looked for in {@code $BOOKMARKS_TEST_PG_BIN}, then the newest
 * {@code /usr/lib/postgresql/<version>/bin} (Debian's layout), then {@code pg_ctl} on the PATH.
 */
public final class PostgresCluster implements AutoCloseable {

    static final String BIN_ENV = "BOOKMARKS_TEST_PG_BIN";
    private static final long COMMAND_TIMEOUT_SECONDS = 120;

    private final Path bin;
    private final Path directory;
    private final boolean asPostgresUser;
    private final int port;
    private int databases;

    private PostgresCluster(Path bin, Path directory, boolean asPostgresUser, int port) {
        this.bin = bin;
        this.directory = directory;
        this.asPostgresUser = asPostgresUser;
        this.port = port;
    }

    /** The directory holding {@code initdb} and {@code pg_ctl}, if this machine has one. */
    static Optional<Path> binaries() {
        String configured = System.getenv(BIN_ENV);
        if (configured != null && !configured.isBlank()) {
            return Optional.of(Path.of(configured)).filter(PostgresCluster::hasServer);
        }
        Path debian = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(debian)) {
            try (Stream<Path> versions = Files.list(debian)) {
                Optional<Path> newest = versions.map(v -> v.resolve("bin")).filter(PostgresCluster::hasServer)
                        .max(Comparator.comparingInt(PostgresCluster::majorVersion));
                if (newest.isPresent()) {
                    return newest;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(":"))
                .filter(dir -> !dir.isEmpty())
                .map(dir -> Path.of(dir, "pg_ctl"))
                .filter(Files::isExecutable)
                .map(PostgresCluster::realParent)
                .filter(PostgresCluster::hasServer)
                .findFirst();
    }

    /** Creates and starts a cluster with the binaries in {@code bin}. */
    static PostgresCluster start(Path bin) {
        boolean root = "root".equals(System.getProperty("user.name"));
        try {
            Path directory = Files.createTempDirectory("bookmarks-pg-");
            if (root) {
                UserPrincipal postgres = directory.getFileSystem().getUserPrincipalLookupService()
                        .lookupPrincipalByName("postgres");
                Files.setOwner(directory, postgres);
            }
            PostgresCluster cluster = new PostgresCluster(bin, directory, root, freePort());
            cluster.initAndStart();
            return cluster;
        } catch (IOException e) {
            throw new UncheckedIOException("could not create a PostgreSQL cluster"
                    + (root ? " (running as root needs the OS user postgres, which Debian's package creates)" : ""), e);
        }
    }

    /** A JDBC URL for a new, empty database in this cluster, owned by {@link #user()}. */
    public synchronized String createDatabase(String prefix) {
        String name = prefix + "_" + (++databases);
        try (Connection connection = DriverManager.getConnection(url("postgres"), user(), "");
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("could not create database " + name, e);
        }
        return url(name);
    }

    /** The superuser the cluster was created with; it needs no password on loopback. */
    public String user() {
        return "postgres";
    }

    /** Stops the server at once and deletes the cluster. */
    @Override
    public void close() {
        try {
            run(command("pg_ctl", "-D", data().toString(), "-m", "immediate", "-w", "stop"));
        } finally {
            try (Stream<Path> files = Files.walk(directory)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            } catch (IOException e) {
                System.err.println("[PostgresCluster] could not delete " + directory + ": " + e);
            }
        }
    }

    @Override
    public String toString() {
        return "PostgreSQL at 127.0.0.1:" + port + " (" + bin + ", " + directory + ")";
    }

    private void initAndStart() {
        run(command("initdb", "-D", data().toString(), "-U", user(), "--auth=trust", "--encoding=UTF8",
                "--locale=C.UTF-8", "--no-sync"));
        String options = String.join(" ", "-p", Integer.toString(port), "-k", directory.toString(),
                "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "synchronous_commit=off",
                "-c", "full_page_writes=off", "-c", "max_connections=50");
        run(command("pg_ctl", "-D", data().toString(), "-l", directory.resolve("server.log").toString(),
                "-w", "-t", "60", "-o", options, "start"));
    }

    private String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    private Path data() {
        return directory.resolve("data");
    }

    private List<String> command(String program, String... arguments) {
        List<String> command = new ArrayList<>();
        if (asPostgresUser) {
            command.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        command.add(bin.resolve(program).toString());
        command.addAll(List.of(arguments));
        return command;
    }

    private void run(List<String> command) {
        Path output = directory.resolve("command.log");
        try {
            Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.to(output.toFile())).start();
            if (!process.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("timed out after " + COMMAND_TIMEOUT_SECONDS + " s: " + command);
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("failed with exit code " + process.exitValue() + ": " + command
                        + "\n" + Files.readString(output));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + command, e);
        }
    }

    private static boolean hasServer(Path bin) {
        return Files.isExecutable(bin.resolve("initdb")) && Files.isExecutable(bin.resolve("pg_ctl"));
    }

    private static Path realParent(Path executable) {
        try {
            return executable.toRealPath().getParent();
        } catch (IOException e) {
            return executable.getParent();
        }
    }

    private static int majorVersion(Path bin) {
        try {
            return Integer.parseInt(bin.getParent().getFileName().toString());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
