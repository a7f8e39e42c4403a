package dev.bookmarks.registry;

import dev.bookmarks.testing.redis.TestRingKeys;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

/**
 * Application contexts that hold nothing but the registry client, each with its own Redis
 * connections, as separate gateways or shards would. They trust {@link TestRingKeys}, unless a
 * test's properties say otherwise.
 */
final class RegistryClients implements AutoCloseable {

    /** Signs as the registry would, with the key every client here trusts. */
    static final RingSigner SIGNER = RingSigner.parse(TestRingKeys.PRIVATE_KEY);

    private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration({SslAutoConfiguration.class, DataRedisAutoConfiguration.class,
            RegistryClientAutoConfiguration.class})
    static class ClientOnly {
    }

    ConfigurableApplicationContext start(String redisUrl, String... properties) {
        // Generous timeouts: an outage shows at once anyway (the connection drops, commands are
        // rejected while disconnected, connects are refused), and a slow machine must not fail a command.
        List<String> all = new ArrayList<>(List.of("spring.data.redis.url=" + redisUrl,
                "spring.data.redis.timeout=30s", "spring.data.redis.connect-timeout=30s",
                "spring.main.banner-mode=off", TestRingKeys.TRUSTED_KEYS_PROPERTY));
        all.addAll(List.of(properties));
        ConfigurableApplicationContext context = new SpringApplicationBuilder(ClientOnly.class)
                .web(WebApplicationType.NONE).properties(all.toArray(String[]::new)).run();
        contexts.add(context);
        return context;
    }

    List<RingWatcher> watchers(String redisUrl, int count, String... properties) {
        List<RingWatcher> watchers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            watchers.add(start(redisUrl, properties).getBean(RingWatcher.class));
        }
        return watchers;
    }

    @Override
    public void close() {
        contexts.forEach(ConfigurableApplicationContext::close);
        contexts.clear();
    }
}
