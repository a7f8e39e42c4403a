package dev.bookmarks.bookmarkservice.migration;

import dev.bookmarks.bookmarkservice.bookmarks.PostgresExtension;
import javax.sql.DataSource;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** A copy from a PostgreSQL source into a PostgreSQL target: two databases of the test run's cluster. */
@ExtendWith(PostgresExtension.class)
class PostgresSlotCopyIT extends SlotCopyContract {

    private static String url;

    @DynamicPropertySource
    static void postgres(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", PostgresSlotCopyIT::url);
        registry.add("spring.datasource.username", () -> PostgresExtension.cluster().user());
        registry.add("spring.datasource.password", () -> "");
    }

    /** Created once: the property is read more than once, and every read must name the same database. */
    private static synchronized String url() {
        if (url == null) {
            url = PostgresExtension.cluster().createDatabase("copy_source");
        }
        return url;
    }

    @Override
    DataSource newTargetDatabase() {
        return new DriverManagerDataSource(PostgresExtension.cluster().createDatabase("copy_target"),
                PostgresExtension.cluster().user(), "");
    }
}
