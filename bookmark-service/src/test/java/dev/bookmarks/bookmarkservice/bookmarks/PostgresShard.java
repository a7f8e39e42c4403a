package dev.bookmarks.bookmarkservice.bookmarks;

import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The shard on PostgreSQL, by configuration alone: the datasource URL, user and password point at
 * a database of the test run's {@link PostgresCluster}; the migrations and the code are the ones
 * H2 runs.
 */
@ExtendWith(PostgresExtension.class)
abstract class PostgresShard extends RunningShard {

    private static String url;

    @DynamicPropertySource
    static void postgres(DynamicPropertyRegistry registry) {
        registry.add("spring.data.redis.url", SharedRedis::url);
        registry.add("bookmarks.shard.data-dir", () -> "target/test-data/postgres-shard");
        registry.add("spring.datasource.url", PostgresShard::url);
        registry.add("spring.datasource.username", () -> PostgresExtension.cluster().user());
        registry.add("spring.datasource.password", () -> "");
    }

    private static synchronized String url() {
        if (url == null) {
            url = PostgresExtension.cluster().createDatabase("bookmarks");
        }
        return url;
    }
}
