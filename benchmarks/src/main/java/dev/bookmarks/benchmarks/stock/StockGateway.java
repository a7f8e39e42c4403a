package dev.bookmarks.benchmarks.stock;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.annotation.ImportCandidates;

/**
 * Spring Cloud Gateway as it comes, the baseline of {@link dev.bookmarks.benchmarks.GatewayComparison}: one route,
 * {@code Path=/api/**} to {@code lb://stubs}, balanced round robin (Spring Cloud LoadBalancer's default) over the
 * instances the simple discovery client is given on the command line, for example {@code
 * --spring.cloud.discovery.client.simple.instances.stubs[0].uri=http://127.0.0.1:8081}. Nothing else is added.
 * Listens on 127.0.0.1 only.
 *
 * <p>It scans only its own package, so none of the project's gateway classes take part, and runs as its own
 * process: {@code java -cp benchmarks/target/benchmarks.jar dev.bookmarks.benchmarks.stock.StockGateway
 * --server.port=... --spring.cloud.discovery.client.simple.instances.stubs[0].uri=...}. The shaded jar merges
 * every dependency's auto-configuration imports (the Boot parent's shade configuration), which is what makes it
 * start from that jar.
 *
 * <p>That jar also holds the rest of the benchmarks' classpath: the project's registry client, which brings
 * Actuator, Micrometer and Spring Data Redis. An application with only the two starters has none of those
 * (their dependency list, spring-cloud-starter-gateway-server-webflux and spring-cloud-starter-loadbalancer
 * 5.0.4: Micrometer's observation API but not its core, no Actuator, no Redis), so the auto-configurations that
 * exist or activate only because of them are excluded ({@link #notStock}): otherwise the baseline would pay for
 * metrics and observations per request that a stock gateway does not have.
 */
@SpringBootApplication(proxyBeanMethods = false)
public final class StockGateway {

    /** The route and the address; Spring Cloud Gateway 5 reads routes under spring.cloud.gateway.server.webflux. */
    static final Map<String, Object> DEFAULTS = Map.of(
            "server.address", "127.0.0.1",
            "spring.application.name", "stock-gateway",
            "spring.cloud.gateway.server.webflux.routes[0].id", "stubs",
            "spring.cloud.gateway.server.webflux.routes[0].uri", "lb://stubs",
            "spring.cloud.gateway.server.webflux.routes[0].predicates[0]", "Path=/api/**");

    /** Auto-configurations from jars the two starters do not bring: the project's, Actuator's, Micrometer's, data. */
    private static final List<String> FOREIGN_PACKAGES = List.of("dev.bookmarks.", "org.springframework.boot.actuate.",
            "org.springframework.boot.health.", "org.springframework.boot.micrometer.", "org.springframework.boot.data.",
            "org.springframework.boot.persistence.", "org.springframework.boot.transaction.");

    /** Auto-configurations in the starters' own jars that act only with Actuator, Micrometer's core or Redis present. */
    private static final List<String> FOREIGN_NEEDS = List.of(".actuate.", ".metrics.", "Endpoint",
            "GatewayMetricsAutoConfiguration", "GatewayRedisAutoConfiguration", "LoadBalancerStatsAutoConfiguration");

    private StockGateway() {
    }

    public static void main(String[] args) {
        SpringApplication application = new SpringApplication(StockGateway.class);
        Map<String, Object> defaults = new HashMap<>(DEFAULTS);
        defaults.put("spring.autoconfigure.exclude", notStock().stream().collect(Collectors.joining(",")));
        application.setDefaultProperties(defaults);
        application.run(args);
    }

    /** The auto-configurations on this classpath that a classpath of only the two starters would not apply. */
    static List<String> notStock() {
        Iterable<String> candidates = ImportCandidates.load(AutoConfiguration.class, StockGateway.class.getClassLoader());
        return StreamSupport.stream(candidates.spliterator(), false)
                .filter(name -> FOREIGN_PACKAGES.stream().anyMatch(name::startsWith)
                        || FOREIGN_NEEDS.stream().anyMatch(name::contains))
                .toList();
    }
}
