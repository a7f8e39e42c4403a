package dev.bookmarks.shard;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;

/** A bookmark shard: serves the users whose slots it owns, and only through a gateway. */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class BookmarkServiceApplication {

    public static void main(String[] args) {
        SpringApplication.run(BookmarkServiceApplication.class, args);
    }
}
