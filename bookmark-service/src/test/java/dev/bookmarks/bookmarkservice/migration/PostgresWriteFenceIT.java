package dev.bookmarks.bookmarkservice.migration;

import dev.bookmarks.bookmarkservice.bookmarks.PostgresExtension;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The write fence once more against PostgreSQL, by configuration alone: a database of the test
 * run's cluster of its own, the migrations and the code that H2 runs.
 */
@ExtendWith(PostgresExtension.class)
class PostgresWriteFenceIT extends WriteFenceContract {

    private static String url;

    @DynamicPropertySource
    static void postgres(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", PostgresWriteFenceIT::url);
        registry.add("spring.datasource.username", () -> PostgresExtension.cluster().user());
        registry.add("spring.datasource.password", () -> "");
    }

    /** Created once: the property is read more than once, and every read must name the same database. */
    private static synchronized String url() {
        if (url == null) {
            url = PostgresExtension.cluster().createDatabase("fence");
        }
        return url;
    }
}
