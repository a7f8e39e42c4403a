package dev.bookmarks.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The whole stack on one machine, each part a separate process on 127.0.0.1: Redis, the shard registry,
 * the shards and the gateways, all started from their executable jars with the {@code local} profile and
 * their data under one directory. {@link #start(Options)} returns once every part is ready;
 * {@link #close()} stops them (SIGTERM, then SIGKILL for what outlives the grace period).
 *
 * <p>{@link #main} is the one-command local stack: it prints where everything is, how to get a token and a
 * request to copy, and stops everything on Ctrl-C.
 */
public final class LocalStack implements AutoCloseable {

    /** The internal secret the shards' and gateways' local profiles share. */
    public static final String LOCAL_INTERNAL_SECRET = "local-development-secret-not-for-production";
    public static final String ADMIN_USER = "admin";

    private static final Duration GRACE = Duration.ofSeconds(30);
    private static final Duration REDIS_READY = Duration.ofSeconds(30);
    private static final Pattern TOKEN = Pattern.compile("\"token\"\\s*:\\s*\"([^\"]+)\"");

    private final Options options;
    private final String adminPassword;
    private final List<Service> started = new ArrayList<>();
    private Service redis;
    private Service registry;
    private final List<Service> shards = new ArrayList<>();
    private final List<Service> gateways = new ArrayList<>();
    private final Map<String, Launch> launches = new LinkedHashMap<>();
    private String gatewayScheme = "http";
    private boolean closed;

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
        awaitRedis();
        String redisUrl = LocalRedis.url(options.redisPort());

        List<String> registryArgs = new ArrayList<>(List.of(
                "--server.port=" + options.registryPort(),
                "--management.server.port=" + options.registryManagementPort()));
        for (int i = 0; i < options.shardCount(); i++) {
            registryArgs.add("--bookmarks.registry.bootstrap.shards[" + i + "].id=" + shardId(i));
            registryArgs.add("--bookmarks.registry.bootstrap.shards[" + i + "].url=" + shardUrl(i));
        }
        // The admin goes through the environment, not the command line that ps shows; all of the user there,
        // since Spring binds a list from one property source only. The role defaults to ADMIN.
        registry = startJava("registry", jars.get("shard-registry"), redisUrl, registryArgs,
                Map.of("BOOKMARKS_REGISTRY_ADMIN_USERS_0_NAME", ADMIN_USER,
                        "BOOKMARKS_REGISTRY_ADMIN_USERS_0_PASSWORD", "{noop}" + adminPassword),
                options.registryPort(), options.registryManagementPort(), data.resolve("registry"));

        // The same operator on every gateway's and shard's management port (bookmarks.management.users).
        Map<String, String> operator = Map.of("BOOKMARKS_MANAGEMENT_USERS_0_NAME", ADMIN_USER,
                "BOOKMARKS_MANAGEMENT_USERS_0_PASSWORD", "{noop}" + adminPassword);
        for (int i = 0; i < options.shardCount(); i++) {
            Path dir = data.resolve(shardId(i));
            shards.add(startJava(shardId(i), jars.get("bookmark-service"), redisUrl, List.of(
                    "--server.port=" + options.shardPorts().get(i),
                    "--management.server.port=" + options.shardManagementPorts().get(i),
                    "--bookmarks.shard.id=" + shardId(i),
                    "--bookmarks.shard.url=" + shardUrl(i),
                    "--bookmarks.shard.data-dir=" + dir), operator,
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
            gatewayArgs.addAll(options.gatewayArgs());
            gateways.add(startJava("gateway-" + (i + 1), jars.get("gateway"), redisUrl, gatewayArgs, operator,
                    options.gatewayPorts().get(i), options.gatewayManagementPorts().get(i), dir));
        }
        awaitReady();
        gatewayScheme = Tls.speaksTls(options.gatewayAddress(0), gateways.get(0).port()) ? "https" : "http";
    }

    private Service startJava(String name, Path jar, String redisUrl, List<String> args, Map<String, String> env,
            int port, int managementPort, Path dir) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(options.jvmOptions());
        command.add("-jar");
        command.add(jar.toString());
        command.add("--spring.profiles.active=local");
        command.add("--spring.data.redis.url=" + redisUrl);
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
        if (old == redis) {
            redis = fresh;
            awaitRedis();
        } else {
            awaitReady(List.of(fresh));
        }
        return fresh;
    }

    private Service track(Service service) {
        started.add(service);
        return service;
    }

    private void awaitRedis() {
        long deadline = System.nanoTime() + REDIS_READY.toNanos();
        while (!LocalRedis.answersPing(options.redisPort())) {
            requireAlive(redis);
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Redis did not answer PING within " + REDIS_READY + "; log tail:\n"
                        + redis.process().logTail(30));
            }
            sleep(100);
        }
    }

    /** Polls every service's readiness probe until all answer 200, any process exits, or the timeout. */
    private void awaitReady() {
        awaitReady(started.subList(1, started.size()));
    }

    private void awaitReady(List<Service> services) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        List<Service> pending = new ArrayList<>(services);
        long deadline = System.nanoTime() + options.readyTimeout().toNanos();
        while (!pending.isEmpty()) {
            for (Service service : List.copyOf(pending)) {
                requireAlive(service);
                if (status(http, service.managementUrl() + "/actuator/health/readiness") == 200) {
                    pending.remove(service);
                }
            }
            if (pending.isEmpty()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                Service late = pending.get(0);
                throw new IllegalStateException(pending.stream().map(Service::name).toList() + " not ready within "
                        + options.readyTimeout() + "; log tail of " + late.name() + ":\n" + late.process().logTail(40));
            }
            sleep(250);
        }
    }

    private static void requireAlive(Service service) {
        if (!service.process().isAlive()) {
            throw new IllegalStateException(service.name() + " exited with code " + service.process().exitCode()
                    + "; log tail (" + service.process().log() + "):\n" + service.process().logTail(40));
        }
    }

    static int status(HttpClient http, String url) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(3)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the stack", e);
        }
    }

    public Options options() {
        return options;
    }

    /** Every service started, in start order (Redis, the registry, the shards, the gateways). */
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
        return "Basic " + java.util.Base64.getEncoder().encodeToString(
                (ADMIN_USER + ":" + adminPassword).getBytes(java.nio.charset.StandardCharsets.UTF_8));
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

    private String shardUrl(int index) {
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

    /**
     * Asks gateway {@code index} for a development token for {@code userId} and lists that user's bookmarks
     * with it; returns the list's status (or -1 when the gateway did not answer).
     */
    int probeList(HttpClient http, int index, String userId) {
        try {
            HttpResponse<String> token = http.send(HttpRequest.newBuilder(URI.create(gatewayUrl(index) + "/auth/dev-token"))
                    .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"userId\":\"" + userId + "\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            Matcher matcher = TOKEN.matcher(token.body());
            if (token.statusCode() != 200 || !matcher.find()) {
                return token.statusCode();
            }
            return http.send(HttpRequest.newBuilder(URI.create(gatewayUrl(index) + "/api/users/" + userId + "/bookmarks"))
                    .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + matcher.group(1)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** The one-command local stack. An optional argument names the data directory (default {@code ./data}). */
    public static void main(String[] args) {
        long begin = System.nanoTime();
        Path cwd = Path.of("").toAbsolutePath();
        Path dataDir = args.length > 0 ? Path.of(args[0]) : cwd.resolve("data");
        Options options = Options.defaults(Options.findRepoRoot(cwd), dataDir);
        System.out.println("[local-stack] starting Redis, the registry, " + options.shardCount() + " shards and "
                + options.gatewayCount() + " gateways; data in " + options.dataDir() + ", logs in "
                + options.dataDir().resolve("logs"));
        LocalStack stack;
        try {
            stack = start(options);
        } catch (RuntimeException e) {
            System.err.println("[local-stack] could not start: " + e.getMessage());
            System.exit(1);
            return;
        }
        Thread hook = new Thread(() -> {
            System.out.println("[local-stack] stopping (SIGTERM, up to " + GRACE.toSeconds() + " s each) ...");
            stack.close();
            System.out.println("[local-stack] stopped; data kept in " + options.dataDir());
        }, "local-stack-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);

        double readySeconds = (System.nanoTime() - begin) / 1e9;
        HttpClient http = stack.gatewayClient().build();
        long probeDeadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        int status = -1;
        while (System.nanoTime() < probeDeadline && (status = stack.probeList(http, 0, "alice")) != 200) {
            sleep(250);
        }
        double firstRequestSeconds = (System.nanoTime() - begin) / 1e9;
        System.out.println(stack.banner(readySeconds, status == 200 ? firstRequestSeconds : -1));
        watch(stack);
    }

    /** Keeps the launcher alive, reporting any child that exits on its own, until Ctrl-C. */
    private static void watch(LocalStack stack) {
        List<Service> reported = new ArrayList<>();
        while (true) {
            for (Service service : stack.started) {
                if (!service.process().isAlive() && !reported.contains(service) && !stack.closed) {
                    reported.add(service);
                    System.err.println("[local-stack] " + service.name() + " exited with code "
                            + service.process().exitCode() + "; see " + service.process().log());
                }
            }
            sleep(1000);
        }
    }

    String banner(double readySeconds, double firstRequestSeconds) {
        // curl trusts gateway 1's certificate for gateway 1's requests and gateway 2's for gateway 2's.
        String k = "https".equals(gatewayScheme) ? "--cacert " + Tls.gatewayCertificate(gateways.get(0).dataDir()) + " " : "";
        String k2 = "https".equals(gatewayScheme) && gateways.size() > 1
                ? "--cacert " + Tls.gatewayCertificate(gateways.get(1).dataDir()) + " " : k;
        String g1 = gatewayUrl(0);
        String g2 = gateways.size() > 1 ? gatewayUrl(1) : g1;
        StringBuilder out = new StringBuilder();
        out.append(String.format("%n[local-stack] ready in %.1f s", readySeconds));
        out.append(firstRequestSeconds >= 0 ? String.format("; first request answered 200 at %.1f s%n", firstRequestSeconds)
                : String.format("; WARNING: the gateway did not answer a list request within 60 s (see logs)%n"));
        out.append(String.format("  %-10s %-28s pid %d%n", "redis", redisUrl(), redis.pid()));
        out.append(String.format("  %-10s %-28s pid %d  admin: curl -u %s:%s %s/actuator/ring%n", "registry",
                registry.managementUrl(), registry.pid(), ADMIN_USER, adminPassword, registry.managementUrl()));
        for (Service shard : shards) {
            out.append(String.format("  %-10s %-28s pid %d  management: curl -u %s:%s %s/actuator/shard%n", shard.name(),
                    "http://127.0.0.1:" + shard.port(), shard.pid(), ADMIN_USER, adminPassword, shard.managementUrl()));
        }
        for (int i = 0; i < gateways.size(); i++) {
            out.append(String.format("  %-10s %-28s pid %d  management: curl -u %s:%s %s/actuator/circuitbreakers%n",
                    gateways.get(i).name(), gatewayUrl(i), gateways.get(i).pid(), ADMIN_USER, adminPassword,
                    gateways.get(i).managementUrl()));
        }
        out.append(String.format("  logs: %s%n%n", options.dataDir().resolve("logs")));
        out.append(String.format("Get a development token:%n  curl %s-X POST %s/auth/dev-token -H 'Content-Type: application/json'"
                + " -d '{\"userId\":\"alice\"}'%n%n", k, g1));
        out.append(String.format("Create a bookmark through %s and list it through %s (copy-paste):%n", g1, g2));
        out.append(String.format("  TOKEN=$(curl -s %s-X POST %s/auth/dev-token -H 'Content-Type: application/json'"
                + " -d '{\"userId\":\"alice\"}' | sed -E 's/.*\"token\":\"([^\"]+)\".*/\\1/') && curl -s %s-X POST"
                + " %s/api/users/alice/bookmarks -H \"Authorization: Bearer $TOKEN\" -H 'Content-Type: application/json'"
                + " -d '{\"url\":\"https://example.com\",\"title\":\"Example\",\"tags\":[\"demo\"]}' && echo && curl -s %s"
                + "%s/api/users/alice/bookmarks -H \"Authorization: Bearer $TOKEN\" && echo%n%n", k, g1, k, g1, k2, g2));
        out.append("Press Ctrl-C to stop everything; data stays in ").append(options.dataDir());
        return out.toString();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
