package dev.bookmarks.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * What to start and where.
 *
 * @param repoRoot the checkout, whose {@code <module>/target/<module>-*.jar} are run
 * @param dataDir everything the stack writes: {@code redis/}, {@code shard-N/}, {@code gateway-N/}, {@code logs/}
 * @param redisPort Redis's port
 * @param registryPort the registry's public port (it serves nothing there)
 * @param registryManagementPort the registry's management (admin) port
 * @param shardPorts one public port per shard ({@code shard-1} first)
 * @param shardManagementPorts their management ports
 * @param gatewayPorts one public port per gateway
 * @param gatewayManagementPorts their management ports
 * @param jvmOptions options for every Java child
 * @param readyTimeout how long all the services together may take to become ready
 * @param gatewayAddresses empty (the default): the gateways bind as Spring Boot does by default and are
 *     reached at 127.0.0.1; else one address per gateway ({@code --server.address}), e.g. 127.0.0.11..13,
 *     and then gateways on distinct addresses may share one port
 * @param gatewayArgs extra command-line arguments for every gateway (e.g.
 *     {@code --bookmarks.gateway.tls.self-signed-hosts=bookmarks.test}); empty by default
 * @param issuerPort the development OIDC issuer's port (the web app signs in there, the gateways trust its tokens),
 *     or 0 to start none
 * @param ringShards how many shards, from {@code shard-1}, the registry's first ring holds; the others run but own
 *     nothing until a resharding adds them (0, the default: all)
 * @param shardArgs extra command-line arguments for every shard; empty by default
 * @param registryArgs extra command-line arguments for the registry; empty by default
 */
public record Options(Path repoRoot, Path dataDir, int redisPort, int registryPort, int registryManagementPort,
        List<Integer> shardPorts, List<Integer> shardManagementPorts, List<Integer> gatewayPorts,
        List<Integer> gatewayManagementPorts, List<String> jvmOptions, Duration readyTimeout,
        List<String> gatewayAddresses, List<String> gatewayArgs, int issuerPort, int ringShards,
        List<String> shardArgs, List<String> registryArgs) {

    /** Small heaps, serial GC and C1 only: six JVMs share a laptop (or two CI cores) and start faster so. */
    public static final List<String> DEFAULT_JVM_OPTIONS = List.of(
            "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

    public static final Duration DEFAULT_READY_TIMEOUT = Duration.ofMinutes(4);

    public Options {
        repoRoot = repoRoot.toAbsolutePath().normalize();
        dataDir = dataDir.toAbsolutePath().normalize();
        shardPorts = List.copyOf(shardPorts);
        shardManagementPorts = List.copyOf(shardManagementPorts);
        gatewayPorts = List.copyOf(gatewayPorts);
        gatewayManagementPorts = List.copyOf(gatewayManagementPorts);
        jvmOptions = List.copyOf(jvmOptions);
        gatewayAddresses = List.copyOf(gatewayAddresses);
        gatewayArgs = List.copyOf(gatewayArgs);
        shardArgs = List.copyOf(shardArgs);
        registryArgs = List.copyOf(registryArgs);
        if (ringShards < 0 || ringShards > shardPorts.size()) {
            throw new IllegalArgumentException("ringShards must be in [0, " + shardPorts.size() + "]: " + ringShards);
        }
        if (!gatewayAddresses.isEmpty() && gatewayAddresses.size() != gatewayPorts.size()) {
            throw new IllegalArgumentException("one address per gateway, or none");
        }
        if (!gatewayAddresses.isEmpty()) {
            Set<String> endpoints = new HashSet<>();
            for (int i = 0; i < gatewayPorts.size(); i++) {
                if (!endpoints.add(gatewayAddresses.get(i) + " " + gatewayPorts.get(i))) {
                    throw new IllegalArgumentException("two gateways on " + gatewayAddresses.get(i) + ":"
                            + gatewayPorts.get(i));
                }
            }
        }
        if (shardPorts.isEmpty() || shardPorts.size() != shardManagementPorts.size()) {
            throw new IllegalArgumentException("one management port per shard, and at least one shard");
        }
        if (gatewayPorts.isEmpty() || gatewayPorts.size() != gatewayManagementPorts.size()) {
            throw new IllegalArgumentException("one management port per gateway, and at least one gateway");
        }
        Set<Integer> seen = new HashSet<>();
        // Gateways on distinct addresses may share a port; every other port is used once.
        List<Integer> gatewayPortsToCheck = gatewayAddresses.isEmpty() ? gatewayPorts
                : List.copyOf(new java.util.LinkedHashSet<>(gatewayPorts));
        for (int port : allPorts(redisPort, registryPort, registryManagementPort, shardPorts, shardManagementPorts,
                gatewayPortsToCheck, gatewayManagementPorts, issuerPort)) {
            if (port < 1 || port > 65535 || !seen.add(port)) {
                throw new IllegalArgumentException("ports must be distinct and in [1, 65535]: " + port);
            }
        }
    }

    /** The options before gateway addresses and arguments existed: the gateways bind as before, no extra arguments. */
    public Options(Path repoRoot, Path dataDir, int redisPort, int registryPort, int registryManagementPort,
            List<Integer> shardPorts, List<Integer> shardManagementPorts, List<Integer> gatewayPorts,
            List<Integer> gatewayManagementPorts, List<String> jvmOptions, Duration readyTimeout) {
        this(repoRoot, dataDir, redisPort, registryPort, registryManagementPort, shardPorts, shardManagementPorts,
                gatewayPorts, gatewayManagementPorts, jvmOptions, readyTimeout, List.of(), List.of(), 0, 0, List.of(),
                List.of());
    }

    /**
     * These options with one gateway per address, all on this options' first gateway port (each keeps its own
     * management port): as behind a DNS name with several A records.
     */
    public Options withGatewayAddresses(List<String> addresses) {
        if (addresses.size() != gatewayManagementPorts.size()) {
            throw new IllegalArgumentException(addresses.size() + " addresses for " + gatewayManagementPorts.size()
                    + " gateways");
        }
        return new Options(repoRoot, dataDir, redisPort, registryPort, registryManagementPort, shardPorts,
                shardManagementPorts, java.util.Collections.nCopies(addresses.size(), gatewayPorts.get(0)),
                gatewayManagementPorts, jvmOptions, readyTimeout, addresses, gatewayArgs, issuerPort, ringShards, shardArgs,
                registryArgs);
    }

    /** These options with extra command-line arguments for every gateway. */
    public Options withGatewayArgs(List<String> args) {
        return new Options(repoRoot, dataDir, redisPort, registryPort, registryManagementPort, shardPorts,
                shardManagementPorts, gatewayPorts, gatewayManagementPorts, jvmOptions, readyTimeout, gatewayAddresses,
                args, issuerPort, ringShards, shardArgs, registryArgs);
    }

    /** These options with the development issuer on {@code port} (0: none). */
    public Options withIssuerPort(int port) {
        return new Options(repoRoot, dataDir, redisPort, registryPort, registryManagementPort, shardPorts,
                shardManagementPorts, gatewayPorts, gatewayManagementPorts, jvmOptions, readyTimeout, gatewayAddresses,
                gatewayArgs, port, ringShards, shardArgs, registryArgs);
    }

    /**
     * These options with only the first {@code count} shards in the first ring, and extra arguments for every
     * shard and for the registry: the rest of the shards run, owning nothing, until a resharding adds them.
     */
    public Options withResharding(int count, List<String> shardArgs, List<String> registryArgs) {
        return new Options(repoRoot, dataDir, redisPort, registryPort, registryManagementPort, shardPorts,
                shardManagementPorts, gatewayPorts, gatewayManagementPorts, jvmOptions, readyTimeout, gatewayAddresses,
                gatewayArgs, issuerPort, count, shardArgs, registryArgs);
    }

    /** How many shards the first ring holds. */
    public int shardsInFirstRing() {
        return ringShards == 0 ? shardPorts.size() : ringShards;
    }

    /** These options with the development issuer on a port that was free when probed. */
    public Options withIssuer() {
        return withIssuerPort(freeLoopbackPorts(1).get(0));
    }

    /** The address gateway {@code index} is reached at: its bind address, else 127.0.0.1. */
    public String gatewayAddress(int index) {
        return gatewayAddresses.isEmpty() ? "127.0.0.1" : gatewayAddresses.get(index);
    }

    /**
     * The fixed local ports: Redis 6380, registry 8090 (management 8091), shards 8081..8083 (management
     * 9081..9083), gateways 8443 and 8444 (management 9443 and 9444), the development issuer 9000.
     */
    public static Options defaults(Path repoRoot, Path dataDir) {
        return new Options(repoRoot, dataDir, 6380, 8090, 8091, List.of(8081, 8082, 8083), List.of(9081, 9082, 9083),
                List.of(8443, 8444), List.of(9443, 9444), DEFAULT_JVM_OPTIONS, DEFAULT_READY_TIMEOUT).withIssuerPort(9000);
    }

    /** The same topology on free loopback ports, for tests. */
    public static Options freePorts(Path repoRoot, Path dataDir, int shards, int gateways) {
        List<Integer> ports = freeLoopbackPorts(3 + 2 * shards + 2 * gateways);
        return new Options(repoRoot, dataDir, ports.get(0), ports.get(1), ports.get(2),
                ports.subList(3, 3 + shards), ports.subList(3 + shards, 3 + 2 * shards),
                ports.subList(3 + 2 * shards, 3 + 2 * shards + gateways),
                ports.subList(3 + 2 * shards + gateways, 3 + 2 * shards + 2 * gateways),
                DEFAULT_JVM_OPTIONS, DEFAULT_READY_TIMEOUT);
    }

    /** The checkout that holds this directory or one of its parents (a pom.xml beside gateway/ and bookmark-service/). */
    public static Path findRepoRoot(Path from) {
        for (Path dir = from.toAbsolutePath().normalize(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("pom.xml")) && Files.isDirectory(dir.resolve("gateway"))
                    && Files.isDirectory(dir.resolve("bookmark-service")) && Files.isDirectory(dir.resolve("shard-registry"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no checkout of sharded-bookmarks at or above " + from.toAbsolutePath()
                + ": run from the repository");
    }

    public int shardCount() {
        return shardPorts.size();
    }

    public int gatewayCount() {
        return gatewayPorts.size();
    }

    List<Integer> allPorts() {
        return allPorts(redisPort, registryPort, registryManagementPort, shardPorts, shardManagementPorts, gatewayPorts,
                gatewayManagementPorts, issuerPort);
    }

    private static List<Integer> allPorts(int redisPort, int registryPort, int registryManagementPort,
            List<Integer> shardPorts, List<Integer> shardManagementPorts, List<Integer> gatewayPorts,
            List<Integer> gatewayManagementPorts, int issuerPort) {
        List<Integer> all = new ArrayList<>(List.of(redisPort, registryPort, registryManagementPort));
        if (issuerPort != 0) {
            all.add(issuerPort);
        }
        all.addAll(shardPorts);
        all.addAll(shardManagementPorts);
        all.addAll(gatewayPorts);
        all.addAll(gatewayManagementPorts);
        return all;
    }

    /** Distinct ports that were free when probed (all sockets held open together, then released). */
    private static List<Integer> freeLoopbackPorts(int count) {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                sockets.add(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
            }
            return IntStream.range(0, count).mapToObj(i -> sockets.get(i).getLocalPort()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find free loopback ports", e);
        } finally {
            for (ServerSocket socket : sockets) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // Released either way.
                }
            }
        }
    }
}
