package dev.bookmarks.bookmarkservice.bookmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The shard with its default database: H2 in file mode in its data directory, through the URL of
 * application.yml unchanged (only the directory is chosen here: a fresh one under
 * {@code target/}, per test run).
 */
abstract class H2Shard extends RunningShard {

    private static Path dataDir;

    @DynamicPropertySource
    static void h2(DynamicPropertyRegistry registry) {
        registry.add("spring.data.redis.url", SharedRedis::url);
        registry.add("bookmarks.shard.data-dir", () -> dataDir().toString());
    }

    private static synchronized Path dataDir() {
        if (dataDir == null) {
            try {
                Path parent = Files.createDirectories(Path.of("target", "test-data"));
                dataDir = Files.createTempDirectory(parent.toAbsolutePath(), "h2-shard-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return dataDir;
    }
}
