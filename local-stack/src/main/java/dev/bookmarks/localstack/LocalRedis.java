package dev.bookmarks.localstack;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.JarURLConnection;
import java.net.Socket;
import java.net.URL;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * The stack's Redis: {@code redis-server} from the PATH, else the binary the embedded-redis jar carries,
 * on a fixed loopback port with its append-only file in a data directory that outlives the process.
 *
 * <p>It looks up the binary the way {@code redis-test-support}'s {@code RedisBinaries} does, but that
 * module is a test library (JUnit and Testcontainers at compile scope) whose processes live in temporary
 * directories deleted on close: the opposite of a stack whose data must persist in {@code ./data}.
 */
final class LocalRedis {

    private static final String NAME = "redis-server";
    private static final String EMBEDDED_MARKER = "META-INF/maven/com.github.codemonstur/embedded-redis/pom.properties";

    private LocalRedis() {
    }

    /**
     * The password the stack's Redis asks for. Public, like the local profile's other development secrets: the
     * local profile would run without one, but requiring it keeps the stack as close to production as it can be
     * (every process logs in) and keeps a stray client on this machine from writing to it by accident.
     */
    static final String PASSWORD = "local-development-redis-password";

    /**
     * The command that runs Redis on {@code port} with AOF ({@code appendfsync everysec}) in {@code dataDir},
     * requiring {@link #PASSWORD}.
     */
    static List<String> command(int port, Path dataDir) {
        return List.of(binary().toString(),
                "--bind", "127.0.0.1",
                "--port", Integer.toString(port),
                "--requirepass", PASSWORD,
                "--dir", dataDir.toAbsolutePath().toString(),
                "--appendonly", "yes",
                "--appendfsync", "everysec",
                "--save", "",
                "--protected-mode", "yes",
                "--daemonize", "no");
    }

    /** The URL every process of the stack connects with, password included. */
    static String url(int port) {
        return "redis://:" + PASSWORD + "@127.0.0.1:" + port;
    }

    /**
     * Whether Redis on {@code port} accepts {@link #PASSWORD} and answers PING with PONG (and not -LOADING while
     * it replays its AOF).
     */
    static boolean answersPing(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            socket.setSoTimeout(1000);
            OutputStream out = socket.getOutputStream();
            out.write(("*2\r\n$4\r\nAUTH\r\n$" + PASSWORD.length() + "\r\n" + PASSWORD + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write("*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String expected = "+OK\r\n+PONG\r\n";
            byte[] reply = new byte[expected.length()];
            int read = socket.getInputStream().readNBytes(reply, 0, reply.length);
            return new String(reply, 0, read, StandardCharsets.US_ASCII).equals(expected);
        } catch (IOException e) {
            return false;
        }
    }

    static synchronized Path binary() {
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(File.pathSeparator)) {
                Path candidate = dir.isEmpty() ? null : Path.of(dir, NAME);
                if (candidate != null && Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        return embedded();
    }

    private static Path embedded() {
        String suffix = platformSuffix();
        URL marker = LocalRedis.class.getClassLoader().getResource(EMBEDDED_MARKER);
        if (marker == null) {
            throw new IllegalStateException("redis-server is not on the PATH and embedded-redis is not on the class path");
        }
        try {
            URLConnection connection = marker.openConnection();
            if (!(connection instanceof JarURLConnection jarConnection)) {
                throw new IllegalStateException("embedded-redis is not loaded from a jar: " + marker);
            }
            connection.setUseCaches(false);
            try (JarFile jar = jarConnection.getJarFile()) {
                JarEntry entry = jar.stream()
                        .filter(e -> !e.isDirectory() && !e.getName().contains("/"))
                        .filter(e -> e.getName().startsWith(NAME + "-") && e.getName().endsWith(suffix))
                        .max(Comparator.comparing(JarEntry::getName))
                        .orElseThrow(() -> new IllegalStateException("no redis-server*" + suffix + " in " + jar.getName()
                                + "; install redis-server on the PATH"));
                Path dir = Files.createTempDirectory("local-stack-redis-");
                Path binary = dir.resolve(entry.getName());
                dir.toFile().deleteOnExit();
                binary.toFile().deleteOnExit();
                try (InputStream in = jar.getInputStream(entry)) {
                    Files.copy(in, binary, StandardCopyOption.REPLACE_EXISTING);
                }
                Files.setPosixFilePermissions(binary, PosixFilePermissions.fromString("rwx------"));
                return binary;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract redis-server from embedded-redis", e);
        }
    }

    private static String platformSuffix() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        String osPart = os.contains("linux") ? "linux" : os.contains("mac") ? "darwin" : null;
        String archPart = switch (arch) {
            case "amd64", "x86_64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            default -> null;
        };
        return Optional.ofNullable(osPart).flatMap(o -> Optional.ofNullable(archPart).map(a -> "-" + o + "-" + a))
                .orElseThrow(() -> new IllegalStateException("embedded-redis has no redis-server for " + os + "/" + arch
                        + "; install redis-server on the PATH"));
    }
}
