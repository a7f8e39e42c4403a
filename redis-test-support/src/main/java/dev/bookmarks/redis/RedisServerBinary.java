package dev.bookmarks.redis;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.Locale;
import java.util.Optional;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Finds a {@code redis-server} executable: on the PATH, or the prebuilt one that the
 * {@code com.github.codemonstur:embedded-redis} jar carries for this OS and CPU.
 *
 * <p>Shared by the test Redis ({@code dev.bookmarks.testing.redis}) and the runnable local stack, which
 * shades this one class (and embedded-redis) into its jar; so it uses the JDK only, never JUnit or
 * Testcontainers.
 */
public final class RedisServerBinary {

    public static final String NAME = "redis-server";

    /** A file that exists in every version of the embedded-redis jar, to find the jar by. */
    private static final String EMBEDDED_MARKER =
            "META-INF/maven/com.github.codemonstur/embedded-redis/pom.properties";

    private static Path extracted;

    private RedisServerBinary() {
    }

    /**
     * The {@code redis-server} on this JVM's PATH, else the embedded one (see {@link #embedded()}).
     *
     * @throws IllegalStateException if there is none on the PATH and no embedded one for this platform
     */
    public static Path find() {
        return onSystemPath().orElseGet(RedisServerBinary::embedded);
    }

    /** The first executable {@code redis-server} in the directories of a PATH-style string. */
    public static Optional<Path> onPath(String path) {
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, NAME);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** The first executable {@code redis-server} on this JVM's PATH. */
    public static Optional<Path> onSystemPath() {
        return onPath(System.getenv("PATH"));
    }

    /**
     * The embedded-redis binary for this platform, extracted once per JVM to an executable temp
     * file that is deleted when the JVM exits.
     *
     * @throws IllegalStateException if embedded-redis is not on the class path or carries no
     *     binary for this platform
     */
    public static synchronized Path embedded() {
        if (extracted == null) {
            extracted = extract(platformSuffix());
        }
        return extracted;
    }

    /** The end of the binary's entry name in the jar, such as {@code -linux-amd64}. */
    private static String platformSuffix() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        String osPart;
        if (os.contains("linux")) {
            osPart = "linux";
        } else if (os.contains("mac")) {
            osPart = "darwin";
        } else {
            throw new IllegalStateException("embedded-redis has no runnable redis-server for "
                    + os + "; install redis-server on the PATH");
        }
        String archPart = switch (arch) {
            case "amd64", "x86_64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            case "x86", "i386", "i686" -> "386";
            default -> throw new IllegalStateException("embedded-redis has no redis-server for CPU "
                    + arch + "; install redis-server on the PATH");
        };
        return "-" + osPart + "-" + archPart;
    }

    private static Path extract(String suffix) {
        URL marker = RedisServerBinary.class.getClassLoader().getResource(EMBEDDED_MARKER);
        if (marker == null) {
            throw new IllegalStateException("redis-server is not on the PATH and "
                    + "com.github.codemonstur:embedded-redis is not on the class path");
        }
        try {
            URLConnection connection = marker.openConnection();
            if (!(connection instanceof JarURLConnection jarConnection)) {
                throw new IllegalStateException("embedded-redis is not loaded from a jar: " + marker);
            }
            // Uncached, so that closing this JarFile cannot close one the class loader uses.
            connection.setUseCaches(false);
            try (JarFile jar = jarConnection.getJarFile()) {
                // Entry names vary with the jar's version (redis-server-6.2.6-v5-linux-amd64 in
                // 1.4.4), so match on the platform suffix rather than a full name.
                JarEntry entry = jar.stream()
                        .filter(e -> !e.isDirectory() && !e.getName().contains("/"))
                        .filter(e -> e.getName().startsWith(NAME + "-")
                                && e.getName().endsWith(suffix))
                        .max(Comparator.comparing(JarEntry::getName))
                        .orElseThrow(() -> new IllegalStateException("the embedded-redis jar "
                                + jar.getName() + " has no redis-server*" + suffix
                                + "; install redis-server on the PATH"));
                Path dir = Files.createTempDirectory("real-redis-bin-");
                Path binary = dir.resolve(entry.getName());
                // deleteOnExit runs in reverse order: the file first, then its directory.
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
}
