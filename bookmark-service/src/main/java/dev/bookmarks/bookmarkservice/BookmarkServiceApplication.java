package dev.bookmarks.bookmarkservice;

import dev.bookmarks.management.ServletManagementSecurity;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Import;
import org.springframework.scheduling.annotation.EnableScheduling;

/** A bookmark shard: serves the users whose slots it owns, and only through a gateway. */
@SpringBootApplication
// The management port: health for anyone, every other endpoint for an operator (bookmarks.management.users).
@Import(ServletManagementSecurity.class)
@ConfigurationPropertiesScan
@EnableScheduling
public class BookmarkServiceApplication {

    public static void main(String[] args) {
        SpringApplication.run(BookmarkServiceApplication.class, args);
    }
}
