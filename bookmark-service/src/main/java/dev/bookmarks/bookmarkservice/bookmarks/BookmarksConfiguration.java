package dev.bookmarks.bookmarkservice.bookmarks;

import dev.bookmarks.bookmarkservice.migration.ChangeLog;
import dev.bookmarks.bookmarkservice.security.TrustProperties;
import dev.bookmarks.protocol.InternalSecret;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import tools.jackson.databind.json.JsonMapper;

/**
 * Wires the bookmark service. Time comes from the application's {@link Clock} bean when it has
 * exactly one (tests can supply one), else the system clock in UTC; this configuration defines no
 * Clock bean of its own, so it can't collide with one defined elsewhere.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(IdempotencyProperties.class)
final class BookmarksConfiguration {

    /** The application's only naming strategy for Spring Data JDBC: the other packages use plain JDBC. */
    @Bean
    TableNames bookmarkTableNames() {
        return new TableNames();
    }

    @Bean
    IdempotencyRecords idempotencyRecords(JdbcClient jdbc, PlatformTransactionManager transactions,
            IdempotencyProperties properties, ObjectProvider<Clock> clocks, ChangeLog changes) {
        return new IdempotencyRecords(jdbc, transactions, properties, clock(clocks), changes);
    }

    @Bean
    IdempotencyCleanup idempotencyCleanup(IdempotencyRecords records, IdempotencyProperties properties) {
        return new IdempotencyCleanup(records, properties);
    }

    @Bean
    BookmarkService bookmarkService(BookmarkStore store, IdempotencyRecords keys,
            PlatformTransactionManager transactions, JsonMapper json, ObjectProvider<Clock> clocks,
            PageCursors cursors) {
        return new BookmarkService(store, keys, transactions, json, clock(clocks), cursors);
    }

    /**
     * Page cursors are authenticated with keys derived from the internal secrets the shards share with the
     * gateways (newest first), so every shard accepts every shard's cursors and a secret rotation keeps them
     * valid. Without a secret (trust checks off: the test profile) a random key of this process is used.
     */
    @Bean
    PageCursors pageCursors(TrustProperties trust) {
        if (trust.secrets().isEmpty()) {
            return PageCursors.withRandomKey();
        }
        return new PageCursors(trust.secrets().stream()
                .map(secret -> InternalSecret.parse(secret).derive("page-cursor/v2")).toList());
    }

    private static Clock clock(ObjectProvider<Clock> clocks) {
        return clocks.getIfUnique(Clock::systemUTC);
    }
}
