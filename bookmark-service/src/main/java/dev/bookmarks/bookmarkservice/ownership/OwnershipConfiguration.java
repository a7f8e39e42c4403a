package dev.bookmarks.bookmarkservice.ownership;

import dev.bookmarks.registry.Heartbeats;
import dev.bookmarks.registry.RingWatcher;
import dev.bookmarks.bookmarkservice.ShardProperties;
import java.util.Arrays;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;

/** Slot ownership checks, heartbeats and the {@code shard} endpoint. */
@Configuration(proxyBeanMethods = false)
class OwnershipConfiguration {

    /** After the signature check, so only a verified gateway learns who owns what. */
    static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 20;

    @Bean
    FilterRegistrationBean<SlotOwnershipFilter> slotOwnershipFilter(RingWatcher watcher, ShardProperties shard,
            Environment environment) {
        FilterRegistrationBean<SlotOwnershipFilter> registration =
                new FilterRegistrationBean<>(new SlotOwnershipFilter(watcher, shard.id(), shard.ownership()));
        registration.setOrder(ORDER);
        registration.addUrlPatterns("/*");
        boolean enabled = shard.ownership().enabled();
        if (!enabled && !Arrays.asList(environment.getActiveProfiles()).contains("test")) {
            throw new IllegalStateException("bookmarks.shard.ownership.enabled=false is allowed only under the test profile");
        }
        registration.setEnabled(enabled);
        return registration;
    }

    @Bean
    HeartbeatSender heartbeatSender(Heartbeats heartbeats, ShardProperties shard) {
        return new HeartbeatSender(heartbeats, shard.id(), shard.url());
    }
}
