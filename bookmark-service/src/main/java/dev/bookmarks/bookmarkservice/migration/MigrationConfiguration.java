package dev.bookmarks.bookmarkservice.migration;

import dev.bookmarks.bookmarkservice.ShardProperties;
import dev.bookmarks.bookmarkservice.security.GatewaySignatureFilter;
import dev.bookmarks.bookmarkservice.security.TrustProperties;
import dev.bookmarks.protocol.InternalSecret;
import dev.bookmarks.registry.RingWatcher;
import dev.bookmarks.registry.ImportReports;
import dev.bookmarks.registry.RedisKeys;
import dev.bookmarks.registry.SlotRows;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import java.time.Clock;
import java.time.Duration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.client.RestClient;
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
    MigrationReaders migrationReaders(RingWatcher watcher, ShardProperties shard) {
        return new MigrationReaders(watcher, shard.id(), shard.ownership().refreshWait());
    }

    @Bean
    MigrationSource migrationSource(JdbcClient jdbc, PlatformTransactionManager transactions) {
        return new MigrationSource(jdbc, transactions);
    }

    /**
     * The copies of slots migrating to this shard, driven by the ring, reported in Redis. With the ownership
     * check off (the {@code test} profile) a shard has no business taking slots, and nothing runs.
     *
     * @param gatewayFilter taken so that the trust settings' start-up checks run first and explain a refusal
     */
    @Bean
    @ConditionalOnProperty(name = "bookmarks.shard.ownership.enabled", havingValue = "true", matchIfMissing = true)
    ImportRunner importRunner(RingWatcher watcher, ShardProperties shard, TrustProperties trust,
            MigrationProperties properties, RedisConnectionFactory redis, RedisKeys keys, RestClient.Builder http,
            JdbcClient jdbc, PlatformTransactionManager transactions, MigrationSource source,
            ObjectProvider<Clock> clocks, FilterRegistrationBean<GatewaySignatureFilter> gatewayFilter) {
        if (trust.secrets().isEmpty()) {
            throw new IllegalStateException("a shard that takes slots signs its calls to their source with the"
                    + " internal secret: set bookmarks.shard.trust.secrets");
        }
        SlotStore store = new SlotStore(jdbc);
        TransactionTemplate transaction = new TransactionTemplate(transactions);
        InternalRequestSigner signer = new InternalRequestSigner(
                InternalSecret.parse(trust.secrets().get(0)), shard.id(), Clock.systemUTC());
        RateLimiter throttle = RateLimiter.of("migration-copy", RateLimiterConfig.custom()
                .limitRefreshPeriod(Duration.ofMillis(100))
                .limitForPeriod(Math.max(1, properties.copyRowsPerSecond() / 10))
                .timeoutDuration(Duration.ofMinutes(1)).build());
        Clock clock = clocks.getIfUnique(Clock::systemUTC);
        return new ImportRunner(watcher, shard.id(), new ImportReports(redis, keys, properties.reportTtl()),
                (from, slots) -> new SlotCopy(new SourceClient(http.clone(), signer, from.id(), from.url()), slots,
                        store, transaction, throttle, properties.copyPageSize()),
                source::digest, properties.importTick(), RECORDS_COMPARED, clock);
    }

    /**
     * Idempotency-Key records stored longer ago than this are left out when a copy is verified: the source's
     * expiry (24 h by default) may delete them meanwhile. An hour's margin for the comparison to run in.
     */
    static final Duration RECORDS_COMPARED = Duration.ofHours(23);

    @Bean
    @ConditionalOnProperty(name = "bookmarks.shard.ownership.enabled", havingValue = "true", matchIfMissing = true)
    OrphanSweeper orphanSweeper(RingWatcher watcher, ShardProperties shard, JdbcClient jdbc,
            PlatformTransactionManager transactions, MigrationProperties properties, ObjectProvider<Clock> clocks) {
        return new OrphanSweeper(watcher, shard.id(), new SlotStore(jdbc), new TransactionTemplate(transactions),
                properties, clocks.getIfUnique(Clock::systemUTC));
    }

    @Bean
    SlotRowCounter slotRowCounter(RingWatcher watcher, ShardProperties shard, JdbcClient jdbc,
            RedisConnectionFactory redis, RedisKeys keys, MigrationProperties properties,
            ObjectProvider<Clock> clocks) {
        return new SlotRowCounter(watcher, shard.id(), new SlotStore(jdbc),
                new SlotRows(redis, keys, properties.slotRowsInterval().multipliedBy(3)),
                properties.slotRowsInterval(), clocks.getIfUnique(Clock::systemUTC));
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
