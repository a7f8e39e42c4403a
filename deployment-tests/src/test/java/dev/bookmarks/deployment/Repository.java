package dev.bookmarks.deployment;

import java.nio.file.Files;
import java.nio.file.Path;

/** The repository's root, where docker-compose.yml, k8s/ and deploy/ live: found upwards from the working directory. */
public final class Repository {

    private Repository() {
    }

    /** The directory that holds {@code docker-compose.yml} and {@code mvnw}, from here or a parent of it. */
    public static Path root() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("mvnw")) && Files.isDirectory(dir.resolve("deployment-tests"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no repository root above " + Path.of("").toAbsolutePath());
    }

    /** A path under the root. */
    public static Path file(String relative) {
        return root().resolve(relative);
    }
}
