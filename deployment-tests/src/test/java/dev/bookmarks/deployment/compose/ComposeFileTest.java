package dev.bookmarks.deployment.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.bookmarks.deployment.compose.ComposeFile.Interpolation;
import dev.bookmarks.deployment.docker.Dockerfile;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docker-compose.yml read as Compose reads it (anchors and merge keys resolved), checked against the compose
 * specification's JSON schema and against what the rest of the repository says: each module's application.yml,
 * deploy/env.example and deploy/generate-env.sh. No process is started; ComposeConfigIT runs docker-compose itself.
 */
class ComposeFileTest {

    /** The modules with a Dockerfile, each of which compose must build and run. */
    static final Set<String> JAVA_MODULES = Set.of("gateway", "bookmark-service", "shard-registry", "dev-issuer");

    private static final Pattern DEV_TCP = Pattern.compile("/dev/tcp/(?:127\\.0\\.0\\.1|localhost)/(\\d+)");
    private static final Pattern HTTP_REQUEST_LINE = Pattern.compile("GET (/\\S*) HTTP/1\\.[01]");
    private static final Pattern LOCAL_URL =
            Pattern.compile("https?://(?:127\\.0\\.0\\.1|localhost):(\\d+)(/[^\\s'\"]*)");
    private static final Pattern SECRET_NAME =
            Pattern.compile(".*(PASSWORD|SECRET|KEY|TOKEN).*", Pattern.CASE_INSENSITIVE);
    /** A whole value that is one interpolation with no default (a default would be a literal secret). */
    private static final Pattern BARE_INTERPOLATION = Pattern.compile("\\$\\{[A-Za-z_][A-Za-z0-9_]*(?::?\\?[^}]*)?}");
    /** Literal secrets in any value: a Spring Security stored password, base64: bytes, PEM, a URL's password. */
    private static final Pattern SECRET_LITERAL = Pattern.compile(
            "\\{(noop|bcrypt|pbkdf2[^}]*|scrypt[^}]*|argon2[^}]*|sha256|MD5|SHA-1)}"
            + "|base64:|-----BEGIN|://[^/@\\s]*:[^/@\\s]+@");

    private final JsonNode compose = ComposeFile.tree();
    private final Map<String, JsonNode> services = ComposeFile.services(compose);
    private final Map<String, JsonNode> javaServices = ComposeFile.builtServices(compose);

    @Test
    void theComposeFileIsValidAgainstTheComposeSpecificationsSchema() {
        Set<ValidationMessage> errors = schema().validate(compose);

        assertThat(errors).as("docker-compose.yml against compose-spec.json").isEmpty();
        assertThat(services).as("services").isNotEmpty();
    }

    @Test
    void theSchemaRejectsAnUnknownServiceKeyAndAWrongDependencyCondition() {
        String dependent = services.entrySet().stream().filter(e -> e.getValue().path("depends_on").isObject())
                .map(Map.Entry::getKey).findFirst().orElseThrow();
        ObjectNode misspelt = compose.deepCopy();
        ((ObjectNode) misspelt.path("services").path(dependent)).put("restrat", "always");
        ObjectNode wrongCondition = compose.deepCopy();
        ((ObjectNode) wrongCondition.path("services").path(dependent).path("depends_on").elements().next())
                .put("condition", "service_ready");

        // The schema must be loaded whole (its $refs resolved), or the test above would pass on anything.
        assertThat(schema().validate(misspelt)).extracting(ValidationMessage::getMessage)
                .anyMatch(m -> m.contains("restrat"));
        assertThat(schema().validate(wrongCondition)).isNotEmpty();
    }

    @Test
    void composeBuildsAndRunsEveryModuleThatHasADockerfile() {
        Set<String> built = new TreeSet<>();
        javaServices.values().forEach(s -> built.add(ComposeFile.module(s).orElseThrow()));

        assertThat(built).isEqualTo(new TreeSet<>(JAVA_MODULES));
    }

    @Test
    void everyJavaServicesHealthcheckGetsReadinessOnTheActuatorPortItsApplicationYmlConfigures() {
        javaServices.forEach((name, service) -> {
            String module = ComposeFile.module(service).orElseThrow();
            ApplicationYml app = ApplicationYml.of(module);
            Map<String, String> env = ComposeFile.environment(service);
            JsonNode management = app.tree().path("management");
            // Outside Kubernetes the readiness group exists only when the probes are enabled.
            assertThat(management.path("endpoint").path("health").path("probes").path("enabled").asBoolean())
                    .as(module + " enables management.endpoint.health.probes").isTrue();
            String readiness = management.path("server").path("base-path").asText("")
                    + management.path("endpoints").path("web").path("base-path").asText("/actuator")
                    + "/health/readiness";
            int port = app.actuatorPort(env);

            String check = healthcheck(name, service);
            List<Integer> ports = new ArrayList<>();
            List<String> paths = new ArrayList<>();
            Matcher tcp = DEV_TCP.matcher(check);
            while (tcp.find()) {
                ports.add(Integer.parseInt(tcp.group(1)));
                Matcher request = HTTP_REQUEST_LINE.matcher(check);
                assertThat(request.find()).as(name + "'s healthcheck sends a GET request line: " + check).isTrue();
                paths.add(request.group(1));
                assertThat(check).as(name + "'s healthcheck requires status 200").contains(" 200 ");
            }
            Matcher url = LOCAL_URL.matcher(check);
            while (url.find()) {
                ports.add(Integer.parseInt(url.group(1)));
                paths.add(url.group(2));
            }
            assertThat(ports).as(name + "'s healthcheck port (" + module + "'s actuator port)").containsExactly(port);
            assertThat(paths).as(name + "'s healthcheck path").containsExactly(readiness);
        });
    }

    @Test
    void theThreeGatewaysAndNoOtherServiceShareTheNetworkAliasGateway() {
        Map<String, Set<String>> aliased = new TreeMap<>();
        services.forEach((name, service) -> service.path("networks").properties().forEach(network -> {
            for (JsonNode alias : network.getValue().path("aliases")) {
                if (alias.asText().equals("gateway")) {
                    aliased.computeIfAbsent(network.getKey(), k -> new TreeSet<>()).add(name);
                }
            }
        }));

        assertThat(aliased).as("services with the alias gateway, by network").hasSize(1);
        assertThat(aliased.values().iterator().next()).isEqualTo(servicesOf("gateway")).hasSize(3);
    }

    @Test
    void everyPublishedPortBindsTheLoopbackAddressAndTheGatewaysPublish8443To8445() {
        Map<String, List<int[]>> published = new TreeMap<>();
        services.forEach((name, service) -> {
            for (JsonNode port : service.path("ports")) {
                published.computeIfAbsent(name, k -> new ArrayList<>()).add(loopbackPort(name, port));
            }
        });
        Set<Integer> gatewayHostPorts = new TreeSet<>();
        published.forEach((name, ports) -> {
            JsonNode service = services.get(name);
            ComposeFile.module(service).ifPresent(module -> {
                ApplicationYml app = ApplicationYml.of(module);
                Map<String, String> env = ComposeFile.environment(service);
                Set<Integer> listening = new TreeSet<>(List.of(app.serverPort(env), app.actuatorPort(env)));
                for (int[] port : ports) {
                    assertThat(listening).as(name + " publishes a port " + module + " listens on").contains(port[1]);
                    if (module.equals("gateway")) {
                        gatewayHostPorts.add(port[0]);
                        assertThat(port[1]).as(name + " publishes its public port").isEqualTo(app.serverPort(env));
                    }
                }
            });
        });

        assertThat(published).as("services that publish ports").isNotEmpty();
        assertThat(gatewayHostPorts).containsExactly(8443, 8444, 8445);
        servicesOf("gateway").forEach(g -> assertThat(published.get(g)).as(g + "'s published ports").hasSize(1));
    }

    @Test
    void everyJavaServiceWhosePortIsPublishedListensOnEveryInterfaceOfItsContainer() {
        // Published ports are forwarded to the container's own address, not to its loopback.
        javaServices.forEach((name, service) -> {
            if (service.path("ports").isEmpty()) {
                return;
            }
            ApplicationYml app = ApplicationYml.of(ComposeFile.module(service).orElseThrow());
            Map<String, String> env = ComposeFile.environment(service);
            assertThat(app.resolve("server.address", env).orElse("0.0.0.0")).as(name + "'s server.address")
                    .isIn("0.0.0.0", "::");
            assertThat(app.resolve("management.server.address", env).orElse("0.0.0.0"))
                    .as(name + "'s management.server.address").isIn("0.0.0.0", "::");
        });
    }

    @Test
    void eachShardsUrlIsItsServiceNameAndPortAndTheRegistryBootstrapsExactlyThoseShards() {
        Set<String> shards = servicesOf("bookmark-service");
        Map<String, String> urls = new TreeMap<>();
        for (String name : shards) {
            Map<String, String> env = ComposeFile.environment(services.get(name));
            int port = ApplicationYml.of("bookmark-service").serverPort(env);
            assertThat(env).as(name + "'s id is its service name").containsEntry("BOOKMARKS_SHARD_ID", name);
            assertThat(env).as(name + "'s ring URL is its service name and port")
                    .containsEntry("BOOKMARKS_SHARD_URL", "http://" + name + ":" + port);
            urls.put(name, env.get("BOOKMARKS_SHARD_URL"));
        }

        Set<String> registries = servicesOf("shard-registry");
        assertThat(registries).hasSize(1);
        Map<Integer, String[]> entries = new TreeMap<>();
        Pattern variable = Pattern.compile("BOOKMARKS_REGISTRY_BOOTSTRAP_SHARDS_(\\d+)_(ID|URL)");
        ComposeFile.environment(services.get(registries.iterator().next())).forEach((key, value) -> {
            Matcher m = variable.matcher(key);
            if (m.matches()) {
                String[] entry = entries.computeIfAbsent(Integer.parseInt(m.group(1)), i -> new String[2]);
                entry[m.group(2).equals("ID") ? 0 : 1] = value;
            }
        });
        Map<String, String> bootstrap = new TreeMap<>();
        entries.forEach((index, entry) -> {
            assertThat(entry).as("bootstrap entry " + index + " has an id and a URL").doesNotContainNull();
            assertThat(bootstrap.put(entry[0], entry[1])).as("bootstrap id " + entry[0] + " once").isNull();
        });
        assertThat(entries.keySet()).as("bootstrap indexes from 0 without gaps")
                .containsExactlyElementsOf(java.util.stream.IntStream.range(0, entries.size()).boxed().toList());

        assertThat(shards).hasSize(3);
        assertThat(bootstrap).isEqualTo(urls);
    }

    @Test
    void everyInterpolatedVariableIsInEnvExampleAndGenerateEnvShWritesEveryOneWithoutADefault() {
        Map<Boolean, Set<String>> byDefault = ComposeFile.variablesByDefault(compose);
        Set<String> required = byDefault.getOrDefault(false, Set.of());
        Set<String> all = new TreeSet<>(required);
        all.addAll(byDefault.getOrDefault(true, Set.of()));

        assertThat(required).as("variables without a default").isNotEmpty();
        assertThat(ComposeFile.envExample().keySet()).as("deploy/env.example (no more, no fewer)")
                .containsExactlyInAnyOrderElementsOf(all);
        assertThat(ComposeFile.writtenByGenerateEnv()).as("what deploy/generate-env.sh writes")
                .containsAll(required).isSubsetOf(all);
        assertThat(byDefault.getOrDefault(true, Set.of())).as("a variable both with and without a default")
                .doesNotContainAnyElementsOf(required);
    }

    @Test
    void everyVariableWithoutADefaultStopsComposeWithAMessageNamingGenerateEnvSh() {
        List<Interpolation> interpolations = ComposeFile.interpolations(compose);

        assertThat(interpolations).isNotEmpty();
        for (Interpolation i : interpolations) {
            if (!i.hasDefault()) {
                // Without :? Compose would run the service with an empty password and only warn.
                assertThat(i.operator()).as(i.text()).isEqualTo(":?");
                assertThat(i.argument()).as(i.text()).contains("deploy/generate-env.sh");
            }
        }
    }

    @Test
    void envExampleGivesNoValueAndExplainsEachVariableInTheCommentAboveIt() {
        List<String> lines = ComposeFile.read(ComposeFile.ENV_EXAMPLE).lines().toList();
        Map<String, String> variables = ComposeFile.envExample();

        assertThat(variables).isNotEmpty();
        variables.forEach((name, value) -> assertThat(value).as(name + " in deploy/env.example").isEmpty());
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).isBlank() && !lines.get(i).startsWith("#")) {
                assertThat(i > 0 && lines.get(i - 1).startsWith("# ")).as("a comment above " + lines.get(i)).isTrue();
            }
        }
    }

    @Test
    void noEnvironmentValueIsASecretLiteral() {
        Set<String> checked = new TreeSet<>();
        services.forEach((name, service) -> ComposeFile.environment(service).forEach((key, value) -> {
            String what = name + " " + key + "=" + value;
            assertThat(value).as(what + " has a value").isNotNull();
            if (SECRET_NAME.matcher(key).matches()) {
                checked.add(key);
                assertThat(BARE_INTERPOLATION.matcher(value).matches() || value.matches("file:/\\S+"))
                        .as(what + " is ${VARIABLE} (no default) or a file: path").isTrue();
            }
            String literal = value;
            for (Interpolation i : ComposeFile.interpolations(value)) {
                literal = literal.replace(i.text(), "");
            }
            assertThat(SECRET_LITERAL.matcher(literal).find()).as(what + " outside its interpolations").isFalse();
        }));

        assertThat(checked).as("variables that name a secret").isNotEmpty();
    }

    @Test
    void everyDependencyWaitsUntilAServiceWithAHealthcheckIsHealthy() {
        int dependencies = 0;
        for (Map.Entry<String, JsonNode> e : services.entrySet()) {
            JsonNode dependsOn = e.getValue().path("depends_on");
            assertThat(dependsOn.isMissingNode() || dependsOn.isObject()).as(e.getKey() + "'s depends_on is a map of"
                    + " conditions (a list only waits for the start)").isTrue();
            for (Map.Entry<String, JsonNode> d : dependsOn.properties()) {
                dependencies++;
                String what = e.getKey() + " depends on " + d.getKey();
                assertThat(d.getValue().path("condition").asText()).as(what).isEqualTo("service_healthy");
                assertThat(services).as(what).containsKey(d.getKey());
                healthcheck(d.getKey(), services.get(d.getKey()));
            }
        }
        assertThat(dependencies).isPositive();
    }

    @Test
    void everyServiceHasARestartPolicy() {
        services.forEach((name, service) -> assertThat(service.path("restart").asText(""))
                .as(name + "'s restart").matches("always|unless-stopped|on-failure(:\\d+)?"));
    }

    @Test
    void everyJavaServiceHasAReadOnlyRootWithATmpfsTmpDropsEveryCapabilityAndForbidsNewPrivileges() {
        javaServices.forEach((name, service) -> {
            assertThat(service.path("read_only").isBoolean() && service.path("read_only").booleanValue())
                    .as(name + " read_only: true").isTrue();
            assertThat(strings(service.path("cap_drop"))).as(name + " cap_drop").contains("ALL");
            assertThat(strings(service.path("cap_add"))).as(name + " cap_add").isEmpty();
            assertThat(strings(service.path("security_opt"))).as(name + " security_opt")
                    .containsAnyOf("no-new-privileges:true", "no-new-privileges");
            // The JVM writes to /tmp (its perf data, Tomcat's and Netty's scratch files): a read-only root needs one.
            assertThat(strings(service.path("tmpfs"))).as(name + " tmpfs").anyMatch(t -> t.matches("/tmp(:.*)?"));
        });
    }

    @Test
    void everyJavaServiceLogsEcsJsonLines() {
        javaServices.forEach((name, service) -> assertThat(ComposeFile.environment(service)).as(name)
                .containsEntry("LOGGING_STRUCTURED_FORMAT_CONSOLE", "ecs"));
    }

    @Test
    void everyNamedVolumeIsMountedByExactlyOneService() {
        Map<String, List<String>> users = new TreeMap<>();
        compose.path("volumes").properties().forEach(v -> users.put(v.getKey(), new ArrayList<>()));
        services.forEach((name, service) -> {
            for (JsonNode mount : service.path("volumes")) {
                String source = mount.isTextual() ? mount.asText().split(":")[0]
                        : mount.path("type").asText().equals("volume") ? mount.path("source").asText() : "/";
                if (!source.startsWith("/") && !source.startsWith(".") && !source.startsWith("~")) {
                    assertThat(users).as(name + " mounts a declared volume").containsKey(source);
                    users.get(source).add(name);
                }
            }
        });

        assertThat(users).as("named volumes").isNotEmpty();
        users.forEach((volume, mountedBy) -> assertThat(mountedBy).as("services mounting " + volume).hasSize(1));
    }

    @Test
    void theImagesOfBuiltServicesAreTheirModulesTaggedWithBookmarksVersionDefaultingToDev() {
        javaServices.forEach((name, service) -> assertThat(service.path("image").asText()).as(name + "'s image")
                .isEqualTo("bookmarks/" + ComposeFile.module(service).orElseThrow() + ":${BOOKMARKS_VERSION:-dev}"));
    }

    @Test
    void everyPulledImageIsPinnedToAVersionByDefault() {
        Map<String, String> pulled = new LinkedHashMap<>();
        services.forEach((name, service) -> {
            if (ComposeFile.module(service).isEmpty()) {
                String image = service.path("image").asText();
                for (Interpolation i : ComposeFile.interpolations(image)) {
                    assertThat(i.hasDefault()).as(name + "'s image " + image + " has a default").isTrue();
                    image = image.replace(i.text(), i.argument());
                }
                pulled.put(name, image);
            }
        });

        assertThat(pulled).isNotEmpty();
        pulled.forEach((name, image) -> assertThat(Dockerfile.isPinned(image)).as(name + "'s image " + image).isTrue());
    }

    /**
     * The vendored schema, loaded by its class path location: its {@code $id} (compose_spec.json) is relative and
     * needs a base to resolve against; with this one its {@code $ref}s stay inside the file and nothing is fetched.
     */
    private static JsonSchema schema() {
        assertThat(ComposeFileTest.class.getResource("/compose-spec.json")).as("compose-spec.json on the class path")
                .isNotNull();
        return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7)
                .getSchema(SchemaLocation.of("classpath:compose-spec.json"));
    }

    /** The names of the services built from this module. */
    private Set<String> servicesOf(String module) {
        Set<String> names = new TreeSet<>();
        javaServices.forEach((name, service) -> {
            if (ComposeFile.module(service).orElseThrow().equals(module)) {
                names.add(name);
            }
        });
        return names;
    }

    /** A service's healthcheck command as one string; fails if it has none, or it is disabled. */
    private static String healthcheck(String name, JsonNode service) {
        JsonNode healthcheck = service.path("healthcheck");
        assertThat(healthcheck.isObject()).as(name + " has a healthcheck").isTrue();
        assertThat(healthcheck.path("disable").asBoolean(false)).as(name + "'s healthcheck disabled").isFalse();
        List<String> test = strings(healthcheck.path("test"));
        if (healthcheck.path("test").isTextual()) {
            test.add(0, "CMD-SHELL"); // a string is run by the container's shell
        }
        assertThat(test).as(name + "'s healthcheck test").isNotEmpty().first().isIn("CMD", "CMD-SHELL");
        return String.join(" ", test);
    }

    /** A published port as [host port, container port]; fails unless it binds 127.0.0.1 explicitly. */
    private static int[] loopbackPort(String service, JsonNode port) {
        String what = service + " publishes " + port;
        if (port.isObject()) {
            assertThat(port.path("host_ip").asText()).as(what).isEqualTo("127.0.0.1");
            return new int[] {port.path("published").asInt(), port.path("target").asInt()};
        }
        assertThat(port.isTextual()).as(what + " as \"127.0.0.1:HOST:CONTAINER\"").isTrue();
        String[] parts = port.asText().replaceFirst("/tcp$", "").split(":");
        assertThat(parts).as(what).hasSize(3);
        assertThat(parts[0]).as(what).isEqualTo("127.0.0.1");
        try {
            return new int[] {Integer.parseInt(parts[1]), Integer.parseInt(parts[2])};
        } catch (NumberFormatException e) {
            return fail(what + ": one host port and one container port, not a range");
        }
    }

    /** A string or a list of strings as a list (compose accepts either for tmpfs, and for a healthcheck's test). */
    private static List<String> strings(JsonNode node) {
        List<String> values = new ArrayList<>();
        if (node.isTextual()) {
            values.add(node.asText());
        } else {
            node.forEach(n -> values.add(n.asText()));
        }
        return values;
    }
}
