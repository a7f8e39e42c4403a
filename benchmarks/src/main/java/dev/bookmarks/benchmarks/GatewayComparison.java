package dev.bookmarks.benchmarks;

import dev.bookmarks.ring.Ring;
import dev.bookmarks.ring.Shard;
import dev.bookmarks.testing.redis.RealRedis;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reverse proxies routing by user, side by side in one run: NGINX and HAProxy hashing {@code X-User-Id}
 * consistently, stock Spring Cloud Gateway ({@link dev.bookmarks.benchmarks.stock.StockGateway}, round robin),
 * and this project's gateway (local profile, every feature on) over plain HTTP and over HTTPS, all in front of the
 * same three NGINX stubs answering 77 bytes of JSON ({@link ProxyConfigs}), all on 127.0.0.1.
 *
 * <p>Each target in turn, alone under load: a warm-up of full load ({@code warm-up seconds} for a JVM, {@code
 * bench.proxyWarmUp}, 10 s, for NGINX and HAProxy), a measured wrk run ({@link WrkRun}: 500 users in rotation,
 * each with its own development token), its CPU time over that run from /proc (NGINX: master and workers; the
 * stubs excluded), for a JVM its resident and heap memory, then a constant-rate run at half NGINX's measured
 * maximum by {@link ConstantRateLoad} (its own JVM; latencies corrected for coordinated omission), preceded for a
 * JVM by one at half its own maximum. Then the target is stopped by PID before the next starts. The project's gateway keeps its per-user rate limit (50/s,
 * burst 100): 500 users at these rates stay under it, and the 429 column shows whether they did.
 *
 * <p>Usage, from the repository root: {@code ./mvnw -q -B -pl benchmarks,gateway -am package -DskipTests && java
 * -cp benchmarks/target/benchmarks.jar dev.bookmarks.benchmarks.GatewayComparison [JVM warm-up seconds, default
 * 120] [seconds per measured run, default 20]}. {@code -Dbench.quick=true} is a smoke run of about three minutes
 * (numbers meaningless). Other settings: {@code -Dbench.threads} (2), {@code -Dbench.connections} (64), {@code
 * -Dbench.users} (500), {@code -Dbench.proxyWarmUp} (10), {@code -Dbench.ramp} (5), {@code -Dbench.jvm} (the
 * gateways' JVM options, {@code -Xms512m -Xmx512m}), {@code -Dbench.targets} (a comma-separated subset of
 * {@code nginx,haproxy,stock,http,https}, all by default; without {@code nginx} no run at half NGINX's rate),
 * {@code -Dbench.constantRate} ({@code true}; {@code false} leaves out the constant-rate runs, for quick A/B
 * comparisons of gateway builds). Tables go to stdout, progress to stderr. Needs nginx,
 * haproxy, wrk and redis-server on the PATH.
 */
public final class GatewayComparison {

    private static final Pattern RESULT_FIELD = Pattern.compile("(\\w+)=(\\S+)");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final int STUBS = 3;
    /** The per-user limit our gateway keeps at its default; a constant rate near users x this would trip it. */
    private static final int PER_USER_RATE = 50;

    private final Settings settings;
    private final Path dir;
    private final ProcessGroup processes;
    private final List<Integer> stubPorts = new ArrayList<>();
    private final List<Row> rows = new ArrayList<>();
    private final List<String> memory = new ArrayList<>();
    private final List<String> constantRate = new ArrayList<>();
    private final long ticksPerSecond;
    private Path tokens;
    private Path script;
    private double rate;

    private GatewayComparison(Settings settings, Path dir, ProcessGroup processes) throws Exception {
        this.settings = settings;
        this.dir = dir;
        this.processes = processes;
        this.ticksPerSecond = ProcessStats.clockTicksPerSecond();
    }

    public static void main(String[] args) throws Exception {
        long started = System.nanoTime();
        Settings settings = Settings.of(args);
        Path dir = Files.createTempDirectory("gateway-comparison-");
        progress("working directory (configs, logs) " + dir + "; " + settings);
        try (ProcessGroup processes = new ProcessGroup(); RealRedis redis = RealRedis.startProcess()) {
            new GatewayComparison(settings, dir, processes).run(redis);
        }
        System.out.printf("%nWall time: %d s.%n", TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started));
    }

    private void run(RealRedis redis) throws Exception {
        startStubs();
        LoadRig.writeRing(redis, ring());
        tokens = fetchTokens(redis.url());
        script = WrkRun.writeScript(dir, tokens);
        if (settings.targets().contains("nginx")) {
            measureNginx();
        }
        if (settings.targets().contains("haproxy")) {
            measureHaproxy();
        }
        if (settings.targets().contains("stock")) {
            measureJvm("stock Spring Cloud Gateway 5.0.4, `lb://` round robin", startStock());
        }
        if (settings.targets().contains("http")) {
            measureJvm("our gateway, plain HTTP, local profile (all features on)", startOurs(redis.url(), false));
        }
        if (settings.targets().contains("https")) {
            measureJvm("our gateway, HTTPS (all features on)", startOurs(redis.url(), true));
        }
        print(System.out);
    }

    // --- The targets -------------------------------------------------------------------------------------------

    private void startStubs() throws Exception {
        for (int i = 0; i < STUBS; i++) {
            stubPorts.add(LoadRig.freePort());
        }
        Process stubs = startNginx("stubs", ProxyConfigs.nginxStubs(dir, stubPorts));
        for (int port : stubPorts) {
            LoadRig.awaitReady(stubs, URI.create("http://127.0.0.1:" + port + "/api/users/user-000/bookmarks"),
                    dir.resolve("stubs.log"));
        }
        progress("stubs on " + stubPorts + " (nginx pid " + stubs.pid() + ")");
    }

    private Ring ring() {
        List<Shard> shards = new ArrayList<>();
        for (int i = 0; i < STUBS; i++) {
            shards.add(Shard.active("stub-" + i, "http://127.0.0.1:" + stubPorts.get(i), 1));
        }
        return Ring.create(Ring.DEFAULT_SLOT_COUNT, shards);
    }

    private void measureNginx() throws Exception {
        int port = LoadRig.freePort();
        Process nginx = startNginx("balancer", ProxyConfigs.nginxBalancer(dir, port, stubPorts));
        try {
            URI base = awaitProxy(nginx, port, "http", "balancer.log");
            WrkRun run = measure("NGINX `hash $http_x_user_id consistent`", base, nginx, settings.proxyWarmUpSeconds());
            rate = run.requests() / (double) settings.runSeconds() / 2;
            if (rate > 0.8 * settings.users() * PER_USER_RATE) {
                progress("WARNING: a constant rate of " + rate + "/s comes near our gateway's per-user limit");
            }
            if (settings.constantRate()) {
                constantRate("NGINX", base, rate);
            } else {
                rate = 0;
            }
        } finally {
            processes.stop(nginx);
        }
    }

    private void measureHaproxy() throws Exception {
        int port = LoadRig.freePort();
        Path config = Files.writeString(dir.resolve("haproxy.cfg"), ProxyConfigs.haproxy(port, stubPorts));
        Process haproxy = start(List.of("haproxy", "-db", "-f", config.toString()), "haproxy.log");
        try {
            URI base = awaitProxy(haproxy, port, "http", "haproxy.log");
            measure("HAProxy `balance hdr(X-User-Id)` + `hash-type consistent`", base, haproxy,
                    settings.proxyWarmUpSeconds());
            if (rate > 0) {
                constantRate("HAProxy", base, rate);
            }
        } finally {
            processes.stop(haproxy);
        }
    }

    /** A started JVM target: its process and where it listens. */
    private record Jvm(Process process, URI base) {
    }

    /**
     * Measures a JVM target. Besides the constant rate every target gets, it gets one at half its own maximum first:
     * a JVM that cannot keep up with half NGINX's rate shows only a backlog there (every measured request queued
     * behind the ramp's), not its latency under a load it can carry. The overload run comes last, so that its
     * backlog cannot spill into the other.
     */
    private void measureJvm(String name, Jvm jvm) throws Exception {
        try {
            WrkRun run = measure(name, jvm.base(), jvm.process(), settings.warmUpSeconds());
            long pid = jvm.process().pid();
            memory.add("| " + name + " | " + ProcessStats.rssMiB(pid) + " | " + ProcessStats.heap(pid) + " | `"
                    + String.join(" ", settings.jvmOptions()) + "` |");
            if (settings.constantRate()) {
                constantRate(name + ", at half its own req/s", jvm.base(),
                        Math.max(1, run.requests() / (double) settings.runSeconds() / 2));
            }
            if (rate > 0) {
                constantRate(name, jvm.base(), rate);
            }
        } finally {
            processes.stop(jvm.process());
        }
    }

    private Jvm startStock() throws Exception {
        int port = LoadRig.freePort();
        List<String> command = new ArrayList<>(javaCommand(settings.jvmOptions()));
        command.addAll(List.of("dev.bookmarks.benchmarks.stock.StockGateway", "--server.port=" + port,
                "--logging.level.root=WARN"));
        for (int i = 0; i < STUBS; i++) {
            command.add("--spring.cloud.discovery.client.simple.instances.stubs[" + i + "].uri=http://127.0.0.1:"
                    + stubPorts.get(i));
        }
        Process stock = start(command, "stock.log");
        URI base = awaitProxy(stock, port, "http", "stock.log");
        // StockGateway leaves out what the benchmarks' classpath adds to the two starters; Actuator is the visible part.
        int actuator = HTTP.send(HttpRequest.newBuilder(base.resolve("/actuator/health")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
        if (actuator != 404) {
            throw new IllegalStateException("the stock gateway has Actuator (/actuator/health answered " + actuator + ")");
        }
        return new Jvm(stock, base);
    }

    /** Our gateway in the local profile, only the per-address limit raised (wrk is one address). */
    private Jvm startOurs(String redisUrl, boolean tls) throws Exception {
        int port = LoadRig.freePort();
        int managementPort = LoadRig.freePort();
        String name = "gateway-" + (tls ? "https" : "http");
        Path log = dir.resolve(name + ".log");
        List<String> arguments = new ArrayList<>(List.of("--spring.profiles.active=local", "--server.port=" + port,
                "--management.server.port=" + managementPort, "--bookmarks.gateway.data-dir=" + dir.resolve(name),
                "--spring.data.redis.url=" + redisUrl, "--logging.level.root=WARN",
                "--bookmarks.gateway.limits.connections.per-address-rate=1000000",
                "--bookmarks.gateway.limits.connections.per-address-burst=1000000"));
        if (!tls) {
            arguments.add("--bookmarks.gateway.tls.enabled=false");
        }
        Process gateway = processes.add(LoadRig.startJar("gateway", settings.jvmOptions(), arguments, log));
        LoadRig.awaitReady(gateway, URI.create("http://127.0.0.1:" + managementPort + "/actuator/health/readiness"), log);
        progress(name + " ready on " + port + " (pid " + gateway.pid() + ")");
        return new Jvm(gateway, URI.create((tls ? "https" : "http") + "://127.0.0.1:" + port));
    }

    /**
     * Every user's development token, from a plain-HTTP gateway started for that alone and stopped again (each
     * measured gateway starts fresh): one {@code userId token} line per user. Also checks that the gateway
     * answers a request that carries {@code X-User-Id}.
     */
    private Path fetchTokens(String redisUrl) throws Exception {
        Jvm gateway = startOurs(redisUrl, false);
        try {
            StringBuilder lines = new StringBuilder();
            for (int i = 0; i < settings.users(); i++) {
                String user = user(i);
                lines.append(user).append(' ').append(LoadRig.devToken(HTTP, gateway.base(), user)).append('\n');
            }
            Path file = Files.writeString(dir.resolve("tokens.txt"), lines);
            String first = lines.substring(lines.indexOf(" ") + 1, lines.indexOf("\n"));
            int status = HTTP.send(HttpRequest.newBuilder(gateway.base().resolve("/api/users/" + user(0) + "/bookmarks"))
                    .header("Authorization", "Bearer " + first).header("X-User-Id", user(0)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
            if (status != 200) {
                throw new IllegalStateException("our gateway answered " + status + " to a request with X-User-Id");
            }
            progress(settings.users() + " development tokens written to " + file);
            return file;
        } finally {
            processes.stop(gateway.process());
        }
    }

    static String user(int i) {
        return String.format("user-%03d", i);
    }

    // --- Running the load --------------------------------------------------------------------------------------

    /** Warm-up, then the measured wrk run with the target's CPU time around it; records and returns the row. */
    private WrkRun measure(String name, URI base, Process target, int warmUpSeconds) throws Exception {
        progress("warming up " + name + " for " + warmUpSeconds + " s");
        WrkRun warmUp = WrkRun.of(LoadRig.wrkOutput(base, settings.threads(), settings.connections(), warmUpSeconds,
                script));
        progress("  warm-up: " + warmUp.figures().requestsPerSecond() + " req/s");
        progress("measuring " + name + " for " + settings.runSeconds() + " s");
        long before = ProcessStats.cpuTicks(target.toHandle());
        String output = LoadRig.wrkOutput(base, settings.threads(), settings.connections(), settings.runSeconds(),
                script);
        long ticks = ProcessStats.cpuTicks(target.toHandle()) - before;
        System.err.println(output);
        WrkRun run = WrkRun.of(output);
        double cpuMsPerRequest = run.requests() == 0 ? Double.NaN
                : ticks * 1000.0 / ticksPerSecond / run.requests();
        rows.add(new Row(name, run, cpuMsPerRequest));
        return run;
    }

    /** A constant-rate run of {@code perSecond} against {@code base}, in its own JVM; records its line of the table. */
    private void constantRate(String name, URI base, double perSecond) throws Exception {
        progress(String.format("constant rate %.0f/s against %s: %d s ramp + %d s", perSecond, name,
                settings.rampSeconds(), settings.runSeconds()));
        List<String> command = new ArrayList<>(javaCommand(List.of("-Xms256m", "-Xmx256m")));
        command.addAll(List.of(ConstantRateLoad.class.getName(), base.toString(), String.format("%.0f", perSecond),
                Integer.toString(settings.connections()), Integer.toString(settings.rampSeconds()),
                Integer.toString(settings.runSeconds()), tokens.toString()));
        Path out = dir.resolve("constant-rate-" + constantRate.size() + ".txt");
        Process load = new ProcessBuilder(command).redirectOutput(out.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        processes.add(load);
        boolean finished = load.waitFor(settings.rampSeconds() + settings.runSeconds() + 60L, TimeUnit.SECONDS);
        processes.stop(load);
        String line = Files.readAllLines(out).stream().filter(l -> l.startsWith("result ")).findFirst().orElse(null);
        if (!finished || line == null) {
            constantRate.add("| " + name + " | failed, see " + out + " | | | | | | |");
            return;
        }
        Map<String, String> result = new HashMap<>();
        Matcher field = RESULT_FIELD.matcher(line);
        while (field.find()) {
            result.put(field.group(1), field.group(2));
        }
        constantRate.add("| " + name + " | " + result.get("target_rate") + " | " + result.get("achieved_rate") + " | "
                + result.get("p50") + " | " + result.get("p99") + " | " + result.get("p999") + " | "
                + result.get("max") + " | " + result.get("status429") + " / " + result.get("other_status") + " / "
                + result.get("errors") + " / " + result.get("unanswered") + " |");
    }

    // --- Processes ---------------------------------------------------------------------------------------------

    private Process startNginx(String name, String config) throws IOException {
        Path file = Files.writeString(dir.resolve(name + ".conf"), config);
        return start(List.of("nginx", "-p", dir.toString(), "-e", dir.resolve(name + "-error.log").toString(),
                "-c", file.toString()), name + ".log");
    }

    private Process start(List<String> command, String log) throws IOException {
        return processes.add(new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve(log).toFile()).start());
    }

    /** Waits until a request through the proxy on {@code port} is answered 200; returns the proxy's base URI. */
    private URI awaitProxy(Process proxy, int port, String scheme, String log) throws InterruptedException {
        URI base = URI.create(scheme + "://127.0.0.1:" + port);
        LoadRig.awaitReady(proxy, base.resolve("/api/users/" + user(0) + "/bookmarks"), dir.resolve(log));
        progress(log.replace(".log", "") + " ready on " + port + " (pid " + proxy.pid() + ")");
        return base;
    }

    /** {@code java} of this JVM's installation with {@code options}, on this process's class path. */
    private static List<String> javaCommand(List<String> options) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(options);
        command.addAll(List.of("-cp", System.getProperty("java.class.path")));
        return command;
    }

    // --- Output ------------------------------------------------------------------------------------------------

    /** One line of the main table. */
    private record Row(String name, WrkRun run, double cpuMsPerRequest) {

        String markdown() {
            return String.format("| %s | %s | %s | %.3f | %d | %d | %s |", name, run.figures().requestsPerSecond(),
                    run.figures().p99(), cpuMsPerRequest, run.tooMany(), run.otherNon2xx(), run.socketErrors());
        }
    }

    private void print(PrintStream out) {
        out.println(machine());
        out.println();
        out.println("| target | req/s | p99 | CPU ms/req | 429s | other non-2xx | wrk socket errors |");
        out.println("|---|--:|--:|--:|--:|--:|---|");
        rows.forEach(row -> out.println(row.markdown()));
        out.printf("%nwrk -t%d -c%d -d%ds --latency, %d users in rotation (X-User-Id and a bearer token on every"
                        + " request); warm-up of full load before each measured run: %d s per JVM, %d s for NGINX and"
                        + " HAProxy. CPU: utime+stime from /proc of the target's processes over the measured run"
                        + " (NGINX: master and workers), stubs excluded, divided by wrk's request count.%n",
                settings.threads(), settings.connections(), settings.runSeconds(), settings.users(),
                settings.warmUpSeconds(), settings.proxyWarmUpSeconds());
        out.println();
        out.println("| JVM target, at the end of its measured run | RSS MiB | heap used / committed | JVM options |");
        out.println("|---|--:|--:|---|");
        memory.forEach(out::println);
        if (constantRate.isEmpty()) {
            return;
        }
        out.println();
        out.println("| constant rate, corrected for coordinated omission | target req/s | achieved req/s | p50 ms"
                + " | p99 ms | p99.9 ms | max ms | 429 / other non-2xx / errors / unanswered |");
        out.println("|---|--:|--:|--:|--:|--:|--:|--:|");
        constantRate.forEach(out::println);
        if (rate > settings.users() * PER_USER_RATE) {
            out.printf("%nNote: half NGINX's req/s is %.0f req/s per user, above our gateway's per-user limit (%d/s,"
                    + " burst 100): a gateway fast enough to carry it would answer some of it 429.%n",
                    rate / settings.users(), PER_USER_RATE);
        }
        out.printf("%nConstant rate: half NGINX's measured req/s (JVMs also at half their own), %d connections opened before a %d s linear ramp,"
                        + " then %d s measured; ConstantRateLoad runs in its own JVM (-Xms256m -Xmx256m, plain Netty"
                        + " HTTP/1.1 client, one request at a time per connection, HdrHistogram). Latencies are corrected"
                        + " for coordinated omission: each runs from the request's intended send time on the fixed"
                        + " schedule, so requests that could not be sent on time count with their full delay, and those"
                        + " still unanswered 10 s after the last was due count with their delay until then (a target"
                        + " slower than the rate shows as unanswered requests and latencies near the run's length).%n",
                settings.connections(), settings.rampSeconds(), settings.runSeconds());
    }

    private static String machine() {
        return String.format("Machine: %d cores (nproc), %s %s (%s), %s; NGINX worker_processes auto, HAProxy"
                        + " nbthread 2; everything (targets, stubs, Redis, wrk) shares these cores.",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"),
                System.getProperty("java.runtime.version"), System.getProperty("java.vm.vendor"),
                System.getProperty("os.name") + " " + System.getProperty("os.version"));
    }

    private static void progress(String message) {
        System.err.println(LocalTime.now().truncatedTo(ChronoUnit.SECONDS) + " " + message);
    }

    /**
     * What one run does.
     *
     * @param warmUpSeconds full load before each JVM's measured run
     * @param runSeconds each measured run, wrk's and the constant-rate one's
     * @param proxyWarmUpSeconds full load before NGINX's and HAProxy's measured runs
     * @param rampSeconds the constant-rate run's ramp
     * @param threads wrk's threads
     * @param connections wrk's connections and the constant-rate run's
     * @param users users in rotation, each with a token
     * @param jvmOptions the JVM options of both gateways
     * @param targets which of {@link #TARGETS} to measure, in that order
     * @param constantRate whether to make the constant-rate runs
     */
    record Settings(int warmUpSeconds, int runSeconds, int proxyWarmUpSeconds, int rampSeconds, int threads,
            int connections, int users, List<String> jvmOptions, Set<String> targets, boolean constantRate) {

        /** Every target, in the order they are measured. */
        static final List<String> TARGETS = List.of("nginx", "haproxy", "stock", "http", "https");

        static Settings of(String[] args) {
            boolean quick = Boolean.getBoolean("bench.quick");
            int warmUp = args.length > 0 ? Integer.parseInt(args[0]) : quick ? 5 : 120;
            int run = args.length > 1 ? Integer.parseInt(args[1]) : quick ? 3 : 20;
            Settings settings = new Settings(warmUp, run, Integer.getInteger("bench.proxyWarmUp", quick ? 2 : 10),
                    Integer.getInteger("bench.ramp", quick ? 1 : 5), Integer.getInteger("bench.threads", 2),
                    Integer.getInteger("bench.connections", 64), Integer.getInteger("bench.users", 500),
                    Arrays.asList(System.getProperty("bench.jvm", "-Xms512m -Xmx512m").trim().split("\\s+")),
                    Set.of(System.getProperty("bench.targets", String.join(",", TARGETS)).split(",")),
                    Boolean.parseBoolean(System.getProperty("bench.constantRate", "true")));
            if (!TARGETS.containsAll(settings.targets())) {
                throw new IllegalArgumentException("bench.targets is a comma-separated list of " + TARGETS + ": "
                        + settings.targets());
            }
            if (warmUp < 1 || warmUp > 3600 || run < 1 || run > 600 || settings.users() < 1 || settings.users() > 1000) {
                throw new IllegalArgumentException("warm-up in [1, 3600] s, runs in [1, 600] s, users in [1, 1000]: "
                        + settings);
            }
            return settings;
        }
    }
}
