package dev.bookmarks.shardregistry;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurationExcludeFilter;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.context.TypeExcludeFilter;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.FilterType;

/**
 * The control plane: bootstraps the ring in Redis and serves the admin endpoints.
 *
 * <p>{@code @SpringBootApplication} spelled out, to keep {@link ManagementContextConfiguration} classes (the ring
 * console's) out of the component scan: they belong in the management port's context only, where Boot puts them
 * from {@code META-INF/spring/...ManagementContextConfiguration.imports}. Scanned, they would also serve on the public
 * port, which must serve nothing.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@ComponentScan(excludeFilters = {
        @ComponentScan.Filter(type = FilterType.CUSTOM, classes = TypeExcludeFilter.class),
        @ComponentScan.Filter(type = FilterType.CUSTOM, classes = AutoConfigurationExcludeFilter.class),
        @ComponentScan.Filter(type = FilterType.ANNOTATION, classes = ManagementContextConfiguration.class)})
@ConfigurationPropertiesScan
public class ShardRegistryApplication {

    public static void main(String[] args) {
        SpringApplication.run(ShardRegistryApplication.class, args);
    }
}
