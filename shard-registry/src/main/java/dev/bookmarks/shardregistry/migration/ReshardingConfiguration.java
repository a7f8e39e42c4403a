package dev.bookmarks.shardregistry.migration;

import dev.bookmarks.registry.ImportReports;
import dev.bookmarks.registry.RedisKeys;
import dev.bookmarks.registry.RingSigner;
import dev.bookmarks.registry.RingStore;
import dev.bookmarks.registry.SlotRows;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/** Wires the resharding: its state in Redis, the driver that runs it, the endpoint that shows and steers it. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ReshardingProperties.class)
class ReshardingConfiguration {

    @Bean
    ReshardingStore reshardingStore(RedisConnectionFactory connections, RedisKeys keys) {
        return new ReshardingStore(connections, keys);
    }

    /** Reads the targets' reports; their time to live is the shards' to set, not read here. */
    @Bean
    ImportReports importReports(RedisConnectionFactory connections, RedisKeys keys) {
        return new ImportReports(connections, keys, Duration.ofSeconds(30));
    }

    @Bean
    ReshardingDriver reshardingDriver(RingStore ring, RingSigner signer, ReshardingStore state, ImportReports reports,
            ReshardingProperties properties, ObjectProvider<Clock> clocks, MeterRegistry meters) {
        return new ReshardingDriver(ring, signer, state, reports, properties.tick(),
                clocks.getIfUnique(Clock::systemUTC), meters);
    }

    @Bean
    ReshardingMetrics reshardingMetrics(RingStore ring, ReshardingStore state, ImportReports reports,
            ObjectProvider<Clock> clocks) {
        Clock clock = clocks.getIfUnique(Clock::systemUTC);
        return new ReshardingMetrics(() -> ReshardingOverview.read(ring, state, reports, clock.millis()), clock);
    }

    @Bean
    @ConditionalOnAvailableEndpoint
    MigrationsEndpoint migrationsEndpoint(RingStore ring, ReshardingStore state, ImportReports reports,
            RedisConnectionFactory connections, RedisKeys keys, ReshardingProperties properties,
            ObjectProvider<Clock> clocks) {
        // Reads only: the shards that write the counts set their time to live.
        return new MigrationsEndpoint(ring, state, reports, new SlotRows(connections, keys, Duration.ofMinutes(3)),
                properties, clocks.getIfUnique(Clock::systemUTC));
    }
}
