package dev.bookmarks.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The whole stack on one machine, each part a separate process on 127.0.0.1: Redis, the shard registry,
 * the shards and the gateways, all started from their executable jars with the {@code local} profile and
 * their data under one directory. {@link #start(Options)} returns once every part is ready;
 * {@link #close()} stops them (SIGTERM, then SIGKILL for what outlives the grace period).
 *
 * <p>{@link Launcher} is the one-command local stack built on this class.
 */
public final class LocalStack implements AutoCloseable {

    /** The internal secret the shards' and gateways' local profiles share. */
    public static final String LOCAL_INTERNAL_SECRET = "local-development-secret-not-for-production";
    public static final String ADMIN_USER = "admin";

    /** The development issuer's users (its application.yml) and their passwords: for the local stack only. */
    public static final Map<String, String> ISSUER_USERS = Map.of("alice", "alice-password", "bob", "bob-password");

    /** The audience of the development issuer's access tokens, which the gateways require. */
    static final String ISSUER_AUDIENCE = "bookmarks-api";

    /** How long {@link #close()} waits after SIGTERM before it kills what is left. */
    static final Duration GRACE = Duration.ofSeconds(30);

    private final Options options;
    private final String adminPassword;
    private final List<Service> started = new ArrayList<>();
    private Service redis;
    private Service registry;
    private Service issuer;
    private final List<Service> shards = new ArrayList<>();
    private final List<Service> gateways = new ArrayList<>();
    private final Map<String, Launch> launches = new LinkedHashMap<>();
    private String gatewayScheme = "http";
    private volatile boolean closed;

    private LocalStack(Options options, String adminPassword) {
        this.options = options;
        this.adminPassword = adminPassword;
    }

    /**
     * Starts the stack and returns once Redis answers PING and every service's readiness probe answers 200
     * (registry, shards with their ring and database, gateways with their ring).
     *
     * @throws IllegalStateException if a port is taken, a jar is missing, a process exits or the stack is
     *     not ready within {@link Options#readyTimeout()}; whatever was started is stopped first
     */
    public static LocalStack start(Options options) {
        requireFreePorts(options);
        Map<String, Path> jars = new LinkedHashMap<>();
        for (String module : List.of("shard-registry", "bookmark-service", "gateway")) {
            jars.put(module, jar(options.repoRoot(), module));
        }
        if (options.issuerPort() != 0) {
            jars.put("dev-issuer", jar(options.repoRoot(), "dev-issuer"));
        }
        LocalStack stack = new LocalStack(options, adminPassword(options.dataDir()));
        try {
            stack.launch(jars);
            return stack;
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        }
    }

    private void launch(Map<String, Path> jars) {
        Path data = options.dataDir();
        Path logs = data.resolve("logs");
        Path redisDir = data.resolve("redis");
        List<String> redisCommand = LocalRedis.command(options.redisPort(), redisDir);
        launches.put("redis", new Launch(redisCommand, Map.of()));
        redis = track(new Service("redis", ChildProcess.start("redis", redisCommand, Map.of(), redisDir,
                logs.resolve("redis.log")), options.redisPort(), 0, redisDir));
        Readiness.awaitRedis(redis);
        String redisUrl = LocalRedis.url(options.redisPort());

        List<String> registryArgs = new ArrayList<>(List.of(
                "--server.port=" + options.registryPort(),
                "--management.server.port=" + options.registryManagementPort()));
        for (int i = 0; i < options.shardsInFirstRing(); i++) {
            registryArgs.add("--bookmarks.registry.bootstrap.shards[" + i + "].id=" + shardId(i));
            registryArgs.add("--bookmarks.registry.bootstrap.shards[" + i + "].url=" + shardUrl(i));
        }
        registryArgs.addAll(options.registryArgs());
        // The admin goes through the environment, not the command line that ps shows; all of the user there,
        // since Spring binds a list from one property source only. The role defaults to ADMIN.
        registry = startJava("registry", jars.get("shard-registry"), redisUrl, registryArgs,
                Map.of("BOOKMARKS_REGISTRY_ADMIN_USERS_0_NAME", ADMIN_USER,
                        "BOOKMARKS_REGISTRY_ADMIN_USERS_0_PASSWORD", "{noop}" + adminPassword),
                options.registryPort(), options.registryManagementPort(), data.resolve("registry"));

        if (options.issuerPort() != 0) {
            issuer = startIssuer(jars.get("dev-issuer"), data.resolve("issuer"));
        }

        // The same operator on every gateway's and shard's management port (bookmarks.management.users).
        Map<String, String> operator = Map.of("BOOKMARKS_MANAGEMENT_USERS_0_NAME", ADMIN_USER,
                "BOOKMARKS_MANAGEMENT_USERS_0_PASSWORD", "{noop}" + adminPassword);
        for (int i = 0; i < options.shardCount(); i++) {
            Path dir = data.resolve(shardId(i));
            List<String> shardArgs = new ArrayList<>(List.of(
                    "--server.port=" + options.shardPorts().get(i),
                    "--management.server.port=" + options.shardManagementPorts().get(i),
                    "--bookmarks.shard.id=" + shardId(i),
                    "--bookmarks.shard.url=" + shardUrl(i),
                    "--bookmarks.shard.data-dir=" + dir));
            shardArgs.addAll(options.shardArgs());
            shards.add(startJava(shardId(i), jars.get("bookmark-service"), redisUrl, shardArgs, operator,
                    options.shardPorts().get(i), options.shardManagementPorts().get(i), dir));
        }
        for (int i = 0; i < options.gatewayCount(); i++) {
            Path dir = data.resolve("gateway-" + (i + 1));
            List<String> gatewayArgs = new ArrayList<>(List.of(
                    "--server.port=" + options.gatewayPorts().get(i),
                    "--management.server.port=" + options.gatewayManagementPorts().get(i),
                    "--bookmarks.gateway.data-dir=" + dir));
            if (!options.gatewayAddresses().isEmpty()) {
                gatewayArgs.add("--server.address=" + options.gatewayAddresses().get(i));
            }
            if (issuer != null) {
                // The web app signs in at the development issuer; the gateway takes its tokens beside development ones.
                gatewayArgs.add("--spring.security.oauth2.resourceserver.jwt.issuer-uri=" + issuerUrl());
                gatewayArgs.add("--spring.security.oauth2.resourceserver.jwt.jwk-set-uri=" + issuerUrl() + "/oauth2/jwks");
                gatewayArgs.add("--spring.security.oauth2.resourceserver.jwt.audiences=" + ISSUER_AUDIENCE);
            }
            gatewayArgs.addAll(options.gatewayArgs());
            gateways.add(startJava("gateway-" + (i + 1), jars.get("gateway"), redisUrl, gatewayArgs, operator,
                    options.gatewayPorts().get(i), options.gatewayManagementPorts().get(i), dir));
        }
        // Every service but Redis, which answered PING before they started.
        Readiness.awaitReady(started.subList(1, started.size()), options.readyTimeout());
        gatewayScheme = Tls.speaksTls(options.gatewayAddress(0), gateways.get(0).port()) ? "https" : "http";
    }

    /**
     * The development issuer, its users {@code alice} and {@code bob} ({@link #ISSUER_USERS}); the web app's redirect
     * URI is every gateway's origin, over TLS and not (a loopback redirect URI matches any port, RFC 8252 7.3).
     */
    private Service startIssuer(Path jar, Path dir) {
        List<String> redirects = new ArrayList<>();
        for (int i = 0; i < options.gatewayCount(); i++) {
            for (String scheme : List.of("https", "http")) {
                redirects.add(scheme + "://" + options.gatewayAddress(i) + ":" + options.gatewayPorts().get(i) + "/");
            }
        }
        return startJava("issuer", jar, "", List.of(
                "--server.port=" + options.issuerPort(),
                "--server.address=127.0.0.1",
                "--spring.security.oauth2.authorizationserver.issuer=" + "http://127.0.0.1:" + options.issuerPort()),
                Map.of("BOOKMARKS_WEB_REDIRECT_URIS", String.join(",", List.copyOf(new java.util.LinkedHashSet<>(
                        redirects)))),
                options.issuerPort(), options.issuerPort(), dir);
    }

    private Service startJava(String name, Path jar, String redisUrl, List<String> args, Map<String, String> env,
            int port, int managementPort, Path dir) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(options.jvmOptions());
        command.add("-jar");
        command.add(jar.toString());
        command.add("--spring.profiles.active=local");
        if (!redisUrl.isEmpty()) {
            command.add("--spring.data.redis.url=" + redisUrl);
        }
        command.addAll(args);
        launches.put(name, new Launch(List.copyOf(command), Map.copyOf(env)));
        return track(new Service(name, ChildProcess.start(name, command, env, dir,
                options.dataDir().resolve("logs").resolve(name + ".log")), port, managementPort, dir));
    }

    /** How a Java service was started, to start it again. */
    private record Launch(List<String> command, Map<String, String> env) {
    }

    /**
     * SIGKILL to this service (kill -9: no graceful shutdown), waiting at most 10 s for it to be gone; for
     * fault tests. Returns whether it exited.
     */
    public boolean kill(Service service) {
        service.process().kill();
        return service.process().awaitExit(Duration.ofSeconds(10));
    }

    /**
     * SIGTERM to this service (the graceful path: it stops accepting, finishes what is in flight, then exits),
     * waiting at most {@code grace} for it to be gone; for rolling restarts and fault tests. Returns whether it
     * exited; if not, it is still running.
     */
    public boolean terminate(Service service, Duration grace) {
        service.process().terminate();
        return service.process().awaitExit(grace);
    }

    /**
     * Starts the named service ({@code redis}, {@code registry}, {@code shard-N} or {@code gateway-N}) again with
     * the command it was first started with (same ports, data directory and log, appended to), after it exited,
     * and waits up to {@link Options#readyTimeout()} for its readiness probe (for Redis: PONG to PING, once its
     * append-only file is loaded). The new process replaces the old one in {@link #redis()}, {@link #registry()},
     * {@link #shards()} or {@link #gateways()}.
     *
     * @throws IllegalStateException if it is still running, exits or is not ready in time
     */
    public synchronized Service restart(String name) {
        Launch launch = launches.get(name);
        Service old = started.stream().filter(s -> s.name().equals(name)).findFirst().orElse(null);
        if (launch == null || old == null) {
            throw new IllegalArgumentException("no service " + name);
        }
        if (old.process().isAlive()) {
            throw new IllegalStateException(name + " is still running (pid " + old.pid() + ")");
        }
        Service fresh = new Service(name, ChildProcess.start(name, launch.command(), launch.env(), old.dataDir(),
                options.dataDir().resolve("logs").resolve(name + ".log")), old.port(), old.managementPort(), old.dataDir());
        started.set(started.indexOf(old), fresh);
        for (List<Service> group : List.of(shards, gateways)) {
            int at = group.indexOf(old);
            if (at >= 0) {
                group.set(at, fresh);
            }
        }
        if (old == registry) {
            registry = fresh;
        }
        if (old == issuer) {
            issuer = fresh;
        }
        if (old == redis) {
            redis = fresh;
            Readiness.awaitRedis(redis);
        } else {
            Readiness.awaitReady(List.of(fresh), options.readyTimeout());
        }
        return fresh;
    }

    private Service track(Service service) {
        started.add(service);
        return service;
    }

    public Options options() {
        return options;
    }

    /** Every service started, in start order (Redis, the registry, the issuer if any, the shards, the gateways). */
    public synchronized List<Service> services() {
        return List.copyOf(started);
    }

    public Service redis() {
        return redis;
    }

    /** The URL the stack's processes connect with, its development password included. */
    public String redisUrl() {
        return LocalRedis.url(redis.port());
    }

    public Service registry() {
        return registry;
    }

    /** The development issuer, or null when {@link Options#issuerPort()} is 0. */
    public Service issuer() {
        return issuer;
    }

    /** The development issuer's URL (its {@code iss}), {@code http://127.0.0.1:<port>}. */
    public String issuerUrl() {
        return "http://127.0.0.1:" + options.issuerPort();
    }

    public List<Service> shards() {
        return List.copyOf(shards);
    }

    public List<Service> gateways() {
        return List.copyOf(gateways);
    }

    public String adminPassword() {
        return adminPassword;
    }

    /**
     * The {@code Authorization} header value of the admin: the registry's admin, and the operator of every
     * gateway's and shard's management port.
     */
    public String adminAuthorization() {
        return "Basic " + Base64.getEncoder().encodeToString(
                (ADMIN_USER + ":" + adminPassword).getBytes(StandardCharsets.UTF_8));
    }

    /** {@code https} when the gateways terminate TLS, else {@code http}. */
    public String gatewayScheme() {
        return gatewayScheme;
    }

    public String gatewayUrl(int index) {
        return gatewayScheme + "://" + options.gatewayAddress(index) + ":" + gateways.get(index).port();
    }

    /**
     * An HTTP client for the gateways' public ports: under TLS it trusts exactly the self-signed
     * certificates the gateways' local profile made in their data directories.
     */
    public HttpClient.Builder gatewayClient() {
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
        if ("https".equals(gatewayScheme)) {
            builder.sslContext(Tls.trusting(gateways.stream().map(g -> Tls.gatewayCertificate(g.dataDir())).toList()));
        }
        return builder;
    }

    public static String shardId(int index) {
        return "shard-" + (index + 1);
    }

    /** The address shard {@code index} serves at, as its ring entry names it. */
    public String shardUrl(int index) {
        return "http://127.0.0.1:" + options.shardPorts().get(index);
    }

    /**
     * Stops everything: SIGTERM to the gateways, shards and registry at once, up to 30 s for them to drain,
     * SIGKILL to what remains; then the same for Redis (which flushes its append-only file on SIGTERM).
     * Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<Service> apps = started.stream().filter(s -> s != redis).toList();
        stop(apps);
        if (redis != null) {
            stop(List.of(redis));
        }
    }

    /** Whether {@link #close()} has begun: from then on, services that exit were stopped on purpose. */
    boolean isClosed() {
        return closed;
    }

    private static void stop(List<Service> services) {
        services.forEach(s -> s.process().terminate());
        long deadline = System.nanoTime() + GRACE.toNanos();
        for (Service service : services) {
            Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
            if (!service.process().awaitExit(left)) {
                System.err.println("[local-stack] " + service.name() + " (pid " + service.pid() + ") outlived "
                        + GRACE.toSeconds() + " s after SIGTERM; killing it");
                service.process().kill();
                service.process().awaitExit(Duration.ofSeconds(10));
            }
        }
    }

    private static void requireFreePorts(Options options) {
        List<Map.Entry<String, Integer>> endpoints = new ArrayList<>();
        List<Integer> gatewayPorts = options.gatewayPorts();
        List<Integer> others = new ArrayList<>(options.allPorts());
        for (int i = 0; i < gatewayPorts.size(); i++) {
            others.remove(gatewayPorts.get(i));
            endpoints.add(Map.entry(options.gatewayAddress(i), gatewayPorts.get(i)));
        }
        others.forEach(port -> endpoints.add(Map.entry("127.0.0.1", port)));
        for (Map.Entry<String, Integer> endpoint : endpoints) {
            try (ServerSocket probe = new ServerSocket(endpoint.getValue(), 1, InetAddress.getByName(endpoint.getKey()))) {
                probe.setReuseAddress(true);
            } catch (IOException e) {
                throw new IllegalStateException("port " + endpoint.getValue() + " on " + endpoint.getKey()
                        + " is taken (is a local stack already running?): " + e.getMessage());
            }
        }
    }

    /** The newest {@code <module>/target/<module>-*.jar}: the executable jar Spring Boot's repackage built. */
    static Path jar(Path repoRoot, String module) {
        Path target = repoRoot.resolve(module).resolve("target");
        try (Stream<Path> files = Files.exists(target) ? Files.list(target) : Stream.empty()) {
            return files.filter(p -> p.getFileName().toString().matches(Pattern.quote(module) + "-.*\\.jar"))
                    .max(Comparator.comparing(p -> p.toFile().lastModified()))
                    .orElseThrow(() -> new IllegalStateException("no " + module + "-*.jar in " + target
                            + ": build first with ./mvnw -q -B -DskipTests -pl local-stack -am package"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The registry admin's password: generated on the first run and kept in {@code <data>/registry-admin-password}. */
    private static String adminPassword(Path dataDir) {
        Path file = dataDir.resolve("registry-admin-password");
        try {
            if (Files.isRegularFile(file)) {
                String stored = Files.readString(file, StandardCharsets.UTF_8).strip();
                if (!stored.isEmpty()) {
                    return stored;
                }
            }
            Files.createDirectories(dataDir);
            byte[] random = new byte[18];
            new SecureRandom().nextBytes(random);
            String password = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            Files.writeString(file, password + "\n", StandardCharsets.UTF_8);
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException notPosix) {
                // Best effort on file systems without POSIX permissions.
            }
            return password;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write " + file, e);
        }
    }
}
