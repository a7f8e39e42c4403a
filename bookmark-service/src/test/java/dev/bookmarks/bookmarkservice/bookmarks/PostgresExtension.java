package dev.bookmarks.bookmarkservice.bookmarks;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Provides the one {@link PostgresCluster} of a test run: started before the first test class
 * that uses it, stopped and deleted when the whole run ends (it is kept in the root context's
 * store, which JUnit closes last), so every class, and the Spring application they share, uses
 * the same server.
 *
 * <p>Without PostgreSQL on the machine the classes fail when {@code CI=true}, since in CI a
 * skipped test is a missing test; elsewhere they are skipped with the same message.
 */
public final class PostgresExtension implements BeforeAllCallback {

    static final String MISSING = "PostgreSQL's server binaries (initdb, pg_ctl) were not found in $"
            + PostgresCluster.BIN_ENV + ", /usr/lib/postgresql/<version>/bin or on the PATH."
            + " Install Debian's package: apt-get install -y postgresql";

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(PostgresExtension.class);

    private static PostgresCluster cluster;

    @Override
    public void beforeAll(ExtensionContext context) {
        ensureStarted(context.getRoot());
    }

    /** The running cluster; only valid once {@link #beforeAll} ran for the current class. */
    public static synchronized PostgresCluster cluster() {
        if (cluster == null) {
            throw new IllegalStateException("no PostgreSQL: register PostgresExtension on the test class");
        }
        return cluster;
    }

    private static synchronized void ensureStarted(ExtensionContext root) {
        if (cluster != null) {
            return;
        }
        Optional<Path> bin = PostgresCluster.binaries();
        if (bin.isEmpty()) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new IllegalStateException(MISSING);
            }
            Assumptions.abort(MISSING);
        }
        cluster = PostgresCluster.start(bin.get());
        root.getStore(NAMESPACE).put(PostgresCluster.class, (AutoCloseable) PostgresExtension::stop);
    }

    private static synchronized void stop() {
        if (cluster != null) {
            try {
                cluster.close();
            } finally {
                cluster = null;
            }
        }
    }
}
