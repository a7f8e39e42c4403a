package dev.bookmarks.shardregistry;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The control plane: bootstraps the ring in Redis and serves the admin endpoints. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class ShardRegistryApplication {

    public static void main(String[] args) {
        SpringApplication.run(ShardRegistryApplication.class, args);
    }
}
