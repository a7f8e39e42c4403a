package dev.bookmarks.bookmarkservice.migration;

import dev.bookmarks.bookmarkservice.ShardProperties;
import dev.bookmarks.bookmarkservice.security.GatewaySignatureFilter;
import dev.bookmarks.bookmarkservice.security.TrustProperties;
import dev.bookmarks.protocol.InternalSecret;
import dev.bookmarks.registry.RingWatcher;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * Wires the change log, its cleanup, the migration reads and the filter that guards them. Time comes from the
 * application's {@link Clock} bean when it has exactly one, else the system clock in UTC, as for the bookmarks.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(MigrationProperties.class)
class MigrationConfiguration {

    /**
     * The gateway signature filter's place, right after the canonical-path filter: the two guard disjoint paths
     * ({@link dev.bookmarks.bookmarkservice.InternalPaths}), so every request meets exactly one of them.
     */
    static final int SIGNATURE_ORDER = Ordered.HIGHEST_PRECEDENCE + 10;

    @Bean
    ChangeLog changeLog(JdbcClient jdbc, PlatformTransactionManager transactions, RingWatcher watcher,
            ObjectProvider<Clock> clocks, ShardProperties shard) {
        return new ChangeLog(jdbc, transactions, watcher, clocks.getIfUnique(Clock::systemUTC), shard.id(),
                shard.ownership().enabled());
    }

    @Bean
    ChangeLogCleanup changeLogCleanup(ChangeLog changes, MigrationProperties properties) {
        return new ChangeLogCleanup(changes, properties);
    }

    @Bean
    MigrationSource migrationSource(JdbcClient jdbc, PlatformTransactionManager transactions) {
        return new MigrationSource(jdbc, transactions);
    }

    /**
     * Shard-to-shard signatures are made with the secrets the shards share with the gateways, each under a key
     * derived for this purpose alone ({@link InternalRequest}), checked within the gateways' window. With trust
     * off (allowed under the {@code test} profile only, which the gateway filter's configuration enforces) this
     * filter is off too, as that one is.
     *
     * @param gatewayFilter taken so that its configuration's start-up checks (a secret is set, trust is off only
     *     under the test profile) run first and explain a refusal; this filter needs what they ensure
     */
    @Bean
    FilterRegistrationBean<InternalSignatureFilter> internalSignatureFilter(TrustProperties trust,
            ShardProperties shard, FilterRegistrationBean<GatewaySignatureFilter> gatewayFilter) {
        FilterRegistrationBean<InternalSignatureFilter> registration = new FilterRegistrationBean<>();
        registration.setOrder(SIGNATURE_ORDER);
        registration.addUrlPatterns("/*");
        if (!trust.enabled()) {
            registration.setEnabled(false);
            registration.setFilter(new InternalSignatureFilter(null));
            return registration;
        }
        registration.setFilter(new InternalSignatureFilter(new InternalRequestVerifier(
                trust.secrets().stream().map(InternalSecret::parse).toList(), shard.id(), trust.window(),
                InternalRequestVerifier.CAPACITY, Clock.systemUTC())));
        return registration;
    }
}
