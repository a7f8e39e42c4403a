package dev.bookmarks.bookmarkservice.migration;

import java.nio.file.Path;
import javax.sql.DataSource;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/** A copy from an H2 source into an H2 target, both in file mode as shards run them. */
class H2SlotCopyIT extends SlotCopyContract {

    @TempDir
    static Path targetDir;

    @Override
    DataSource newTargetDatabase() {
        return new DriverManagerDataSource("jdbc:h2:file:" + targetDir.resolve("target") + ";WRITE_DELAY=0", "sa", "");
    }
}
