package dev.bookmarks.deployment.containers;

import dev.bookmarks.deployment.Command;
import dev.bookmarks.deployment.Repository;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The repository's docker-compose.yml running in podman, for {@link ComposeStackIT}: base images made offline
 * ({@code deploy/containers/build-base-images.sh}), the four images built with {@code --pull=never} from the
 * modules' jars, secrets from {@code deploy/generate-env.sh}, and the stack started as Docker Compose would.
 *
 * <p>Debian bookworm's podman-compose 1.0.3 runs most of the file but not all of it, so what it lacks is done here
 * with podman itself, each step named: the file is first resolved by {@code docker-compose config} (merges,
 * interpolation, defaults: the file as Compose reads it); podman-compose 1.0.3 fails on a service's networks
 * given as a map (the form that carries aliases), so they are given to it as a list and each alias (the
 * gateways' shared {@code gateway}) is attached with {@code podman network connect --alias} before the first
 * start; it ignores {@code depends_on} conditions and, without systemd, podman runs no healthcheck on its own, so
 * the containers are created with {@code up --no-start} and started here in dependency order, each wave once
 * every container before it passes its own compose healthcheck ({@code podman healthcheck run}), which is what
 * {@code condition: service_healthy} means. Images are not built by podman-compose (the file's {@code build} is
 * dropped): they are built before, from the same contexts.
 *
 * <p>podman runs with vfs storage and {@code deploy/containers/containers.conf} (cgroupfs, no systemd, resource
 * limits this process may set), which works on a plain Debian machine or container without a Docker engine.
 */
final class ComposeStack implements AutoCloseable {

    static final List<String> MODULES = List.of("gateway", "bookmark-service", "shard-registry", "dev-issuer");
    /** The Redis image build-base-images.sh makes (Debian's redis-server), given to compose as REDIS_IMAGE. */
    static final String REDIS_IMAGE = "localhost/bookmarks/redis:bookworm";
    private static final Duration HEALTHY_WITHIN = Duration.ofMinutes(4);
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER));

    private final Path repo;
    private final Path work;
    private final String project;
    private final Map<String, String> env;
    /** The file as docker-compose resolved it. */
    private final JsonNode resolved;
    private final Properties dotEnv;
    private final Map<String, String> timings = new LinkedHashMap<>();
    /** Per service, per network, the aliases the file gives it there. */
    private final Map<String, Map<String, List<String>>> aliases = new TreeMap<>();

    private ComposeStack(Path repo, Path work, String project, Map<String, String> env, JsonNode resolved,
            Properties dotEnv) {
        this.repo = repo;
        this.work = work;
        this.project = project;
        this.env = env;
        this.resolved = resolved;
        this.dotEnv = dotEnv;
    }

    /** Builds what is missing, writes secrets into {@code work}, and starts the whole stack; healthy on return. */
    static ComposeStack start(Path work, String project) throws IOException {
        Path repo = Repository.root();
        Map<String, String> env = Map.of(
                "STORAGE_DRIVER", "vfs",
                "CONTAINERS_CONF", repo.resolve("deploy/containers/containers.conf").toString());
        for (String tool : List.of("podman", "podman-compose", "docker-compose", "mmdebstrap")) {
            if (Command.onPath(tool).isEmpty()) {
                throw new IllegalStateException(tool + " is missing: apt-get install podman podman-compose"
                        + " docker-compose mmdebstrap (the containers profile needs all four)");
            }
        }
        for (String module : MODULES) {
            try (var jars = Files.list(repo.resolve(module).resolve("target"))) {
                if (jars.noneMatch(p -> p.getFileName().toString().matches(module + "-.*\\.jar"))) {
                    throw new IllegalStateException("no " + module + " jar: package the modules first"
                            + " (./mvnw -B -Pcontainers verify does)");
                }
            } catch (java.nio.file.NoSuchFileException e) {
                throw new IllegalStateException("no " + module + "/target: package the modules first", e);
            }
        }
        Map<String, String> timings = new LinkedHashMap<>();
        long begin = System.nanoTime();
        Command.run(repo, List.of(), env, Duration.ofMinutes(15),
                List.of("bash", "deploy/containers/build-base-images.sh"))
                .orFail();
        timings.put("base images", seconds(begin));
        begin = System.nanoTime();
        for (String module : MODULES) {
            Command.run(repo.resolve(module), List.of(), env, Duration.ofMinutes(10),
                    List.of("podman", "build", "--pull=never", "--quiet", "-t", "bookmarks/" + module + ":dev", "."))
                    .orFail();
        }
        timings.put("4 images", seconds(begin));

        // Secrets for this run only, made as a user makes them, in the work directory rather than the repository.
        Files.createDirectories(work.resolve("deploy"));
        Files.copy(repo.resolve("deploy/generate-env.sh"), work.resolve("deploy/generate-env.sh"),
                StandardCopyOption.REPLACE_EXISTING);
        Files.deleteIfExists(work.resolve(".env"));
        Command.run(work, List.of(), env, Duration.ofMinutes(1), List.of("bash", "deploy/generate-env.sh")).orFail();
        Files.writeString(work.resolve(".env"), "REDIS_IMAGE=" + REDIS_IMAGE + "\n", StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.APPEND);
        Properties dotEnv = new Properties();
        try (var reader = Files.newBufferedReader(work.resolve(".env"))) {
            dotEnv.load(reader);
        }

        String config = Command.run(repo, List.of(), env, Duration.ofMinutes(1), List.of("docker-compose", "-p",
                project, "--project-directory", repo.toString(), "--env-file", work.resolve(".env").toString(),
                "-f", repo.resolve("docker-compose.yml").toString(), "config")).orFail().stdout();
        JsonNode resolved = YAML.readTree(config);
        ComposeStack stack = new ComposeStack(repo, work, project, env, resolved, dotEnv);
        stack.timings.putAll(timings);
        stack.writeDerived();
        stack.down();
        stack.create();
        stack.startInDependencyOrder();
        return stack;
    }

    /**
     * Writes the file podman-compose 1.0.3 reads: the resolved file without {@code build}, with each service's
     * networks as a list (their aliases kept in {@link #aliases}) and this run's secret files.
     */
    private void writeDerived() throws IOException {
        ObjectNode file = resolved.deepCopy();
        for (Iterator<Map.Entry<String, JsonNode>> it = file.path("services").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> service = it.next();
            ObjectNode desc = (ObjectNode) service.getValue();
            desc.remove("build");
            JsonNode networks = desc.path("networks");
            if (networks.isObject()) {
                ArrayNode names = YAML.createArrayNode();
                networks.fields().forEachRemaining(net -> {
                    names.add(net.getKey());
                    List<String> those = new ArrayList<>();
                    net.getValue().path("aliases").forEach(a -> those.add(a.asText()));
                    if (!those.isEmpty()) {
                        aliases.computeIfAbsent(service.getKey(), k -> new TreeMap<>()).put(net.getKey(), those);
                    }
                });
                desc.set("networks", names);
            }
        }
        // The file's secrets are read from this run's deploy/secrets, not the repository's.
        file.path("secrets").fields().forEachRemaining(secret -> {
            Path source = Path.of(secret.getValue().path("file").asText());
            ((ObjectNode) secret.getValue()).put("file", work.resolve("deploy/secrets")
                    .resolve(source.getFileName()).toString());
        });
        Path derived = work.resolve("podman-compose.yml");
        YAML.writeValue(derived.toFile(), file);
    }

    /** Creates every container, then attaches each service's aliases before anything starts. */
    private void create() {
        long begin = System.nanoTime();
        compose(Duration.ofMinutes(5), "up", "--no-start").orFail();
        aliases.forEach((service, byNetwork) -> byNetwork.forEach((network, names) -> {
            String net = project + "_" + network;
            podman(Duration.ofSeconds(30), "network", "disconnect", net, container(service)).orFail();
            List<String> connect = new ArrayList<>(List.of("network", "connect"));
            // Compose gives every container its service name on each network; the aliases come on top.
            for (String alias : concat(names, service)) {
                connect.add("--alias");
                connect.add(alias);
            }
            connect.add(net);
            connect.add(container(service));
            podman(Duration.ofSeconds(30), connect.toArray(String[]::new)).orFail();
        }));
        timings.put("create", seconds(begin));
    }

    private static List<String> concat(List<String> names, String service) {
        List<String> all = new ArrayList<>(names);
        all.add(service);
        return all;
    }

    /** Starts the services wave by wave: a wave is every service whose dependencies are all healthy. */
    private void startInDependencyOrder() {
        Set<String> started = new LinkedHashSet<>();
        Map<String, Set<String>> dependsOn = new TreeMap<>();
        resolved.path("services").fields().forEachRemaining(service -> {
            Set<String> deps = new LinkedHashSet<>();
            service.getValue().path("depends_on").fieldNames().forEachRemaining(deps::add);
            dependsOn.put(service.getKey(), deps);
        });
        for (int wave = 1; started.size() < dependsOn.size(); wave++) {
            List<String> ready = dependsOn.entrySet().stream()
                    .filter(e -> !started.contains(e.getKey()) && started.containsAll(e.getValue()))
                    .map(Map.Entry::getKey).toList();
            if (ready.isEmpty()) {
                throw new IllegalStateException("depends_on has a cycle among " + dependsOn);
            }
            long begin = System.nanoTime();
            List<String> start = new ArrayList<>(List.of("start"));
            ready.forEach(s -> start.add(container(s)));
            podman(Duration.ofMinutes(2), start.toArray(String[]::new)).orFail();
            ready.forEach(this::awaitHealthy);
            started.addAll(ready);
            timings.put("wave " + wave + " " + ready, seconds(begin));
        }
    }

    /** Waits until {@code service}'s compose healthcheck passes (it has one: ComposeFileTest says so). */
    void awaitHealthy(String service) {
        long deadline = System.nanoTime() + HEALTHY_WITHIN.toNanos();
        Command last = null;
        while (System.nanoTime() < deadline) {
            last = podman(Duration.ofSeconds(30), "healthcheck", "run", container(service));
            if (last.succeeded()) {
                return;
            }
            sleep(1000);
        }
        throw new IllegalStateException(service + " was not healthy within " + HEALTHY_WITHIN + ": "
                + (last == null ? "never checked" : last.output()) + "\nits log:\n" + logTail(service, 60));
    }

    /** {@code podman kill} (SIGKILL) of the service's container; true once it has exited. */
    boolean kill(String service) {
        podman(Duration.ofSeconds(30), "kill", "--signal", "KILL", container(service)).orFail();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            String state = podman(Duration.ofSeconds(10), "inspect", "--format", "{{.State.Status}}",
                    container(service)).stdout().trim();
            if (!state.equals("running")) {
                return true;
            }
            sleep(100);
        }
        return false;
    }

    /**
     * Starts the service's container again if its restart policy has not already, and waits until it is healthy.
     */
    void startAgain(String service) {
        String state = podman(Duration.ofSeconds(10), "inspect", "--format", "{{.State.Status}}", container(service))
                .stdout().trim();
        if (!state.equals("running")) {
            podman(Duration.ofMinutes(1), "start", container(service)).orFail();
        }
        awaitHealthy(service);
    }

    /** The last {@code lines} lines the service's container wrote. */
    String logTail(String service, int lines) {
        Command logs = podman(Duration.ofSeconds(30), "logs", "--tail", String.valueOf(lines), container(service));
        return logs.stdout() + logs.stderr();
    }

    /** Everything the service's container wrote since it was created: its standard output, then its errors. */
    String log(String service) {
        Command logs = podman(Duration.ofSeconds(60), "logs", container(service));
        return logs.stdout() + "\n" + logs.stderr();
    }

    /** {@code getent ahostsv4 name} inside the service's container: the addresses its resolver answers. */
    Set<String> resolveInside(String service, String name) {
        Set<String> addresses = new java.util.TreeSet<>();
        for (String line : podman(Duration.ofSeconds(30), "exec", container(service), "getent", "ahostsv4", name)
                .orFail().stdout().split("\n")) {
            if (!line.isBlank()) {
                addresses.add(line.trim().split("\\s+")[0]);
            }
        }
        return addresses;
    }

    /** The service's container's address on the compose network {@code network}. */
    String addressOn(String service, String network) {
        return podman(Duration.ofSeconds(30), "inspect", "--format",
                "{{(index .NetworkSettings.Networks \"" + project + "_" + network + "\").IPAddress}}",
                container(service)).orFail().stdout().trim();
    }

    /** A value of the .env generate-env.sh wrote for this run. */
    String env(String name) {
        String value = dotEnv.getProperty(name);
        if (value == null) {
            throw new IllegalStateException(name + " is not in the generated .env");
        }
        return value;
    }

    /** The gateways' certificate generate-env.sh made (the client trusts it). */
    Path gatewayCertificate() {
        return work.resolve("deploy/secrets/gateway.crt");
    }

    /** The host ports the file publishes for {@code service} (on 127.0.0.1, ComposeFileTest checks). */
    List<Integer> publishedPorts(String service) {
        List<Integer> ports = new ArrayList<>();
        resolved.path("services").path(service).path("ports").forEach(p -> {
            // docker-compose config writes the short form back: 127.0.0.1:8443:8070/tcp
            String[] parts = p.asText().split(":");
            ports.add(Integer.parseInt(parts[1]));
        });
        return ports;
    }

    /** The names of the services whose name starts with {@code prefix}, in order. */
    List<String> services(String prefix) {
        List<String> names = new ArrayList<>();
        resolved.path("services").fieldNames().forEachRemaining(n -> {
            if (n.startsWith(prefix)) {
                names.add(n);
            }
        });
        names.sort(null);
        return names;
    }

    Map<String, String> timings() {
        return timings;
    }

    String container(String service) {
        return project + "_" + service + "_1";
    }

    private Command compose(Duration timeout, String... args) {
        List<String> argv = new ArrayList<>(List.of("podman-compose", "-p", project, "-f",
                work.resolve("podman-compose.yml").toString()));
        argv.addAll(List.of(args));
        return Command.run(work, List.of(), env, timeout, argv);
    }

    private Command podman(Duration timeout, String... args) {
        List<String> argv = new ArrayList<>();
        argv.add("podman");
        argv.addAll(List.of(args));
        return Command.run(repo, List.of(), env, timeout, argv);
    }

    /** Removes the project's containers, networks and volumes (what an earlier run may have left). */
    private void down() {
        Command.run(work, List.of(), env, Duration.ofMinutes(3), List.of("podman-compose", "-p", project, "-f",
                work.resolve("podman-compose.yml").toString(), "down", "-v", "-t", "5"));
        // down -v of 1.0.3 leaves the networks; a later create would reuse them with stale settings.
        for (String network : List.of("edge", "backend")) {
            podman(Duration.ofSeconds(30), "network", "rm", "-f", project + "_" + network);
        }
    }

    @Override
    public void close() {
        if (Boolean.getBoolean("containers.keep")) {
            System.out.println("[containers] left running (-Dcontainers.keep=true): podman-compose -p " + project
                    + " -f " + work.resolve("podman-compose.yml") + " down -v");
            return;
        }
        down();
    }

    private static String seconds(long begin) {
        return String.format("%.1f s", (System.nanoTime() - begin) / 1e9);
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
