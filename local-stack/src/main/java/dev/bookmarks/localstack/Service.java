package dev.bookmarks.localstack;

import java.nio.file.Path;

/**
 * A started part of the stack: its process, public port (0 for none), management port (0 for none) and
 * data directory.
 */
public record Service(String name, ChildProcess process, int port, int managementPort, Path dataDir) {

    public long pid() {
        return process.pid();
    }

    /** The management base URL, {@code http://127.0.0.1:<port>}: management ports are plain HTTP on loopback. */
    public String managementUrl() {
        return "http://127.0.0.1:" + managementPort;
    }
}
