package dev.bookmarks.deployment.compose;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bookmarks.deployment.Command;
import dev.bookmarks.deployment.Repository;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Debian's docker-compose (1.29) reads docker-compose.yml as an operator's {@code docker compose up} would: with the
 * repository root as project directory and an env file. The values are made-up dummies, one for each variable
 * deploy/env.example lists; no real secret is made except by the one test that runs deploy/generate-env.sh in a
 * scratch directory. {@code config} only reads and interpolates: no daemon, no image, no container.
 */
class ComposeConfigIT {

    static final Path DOCKER_COMPOSE = Path.of("/usr/bin/docker-compose");

    @TempDir
    Path scratch;

    @BeforeAll
    static void dockerComposeIsInstalled() {
        assertThat(Files.isExecutable(DOCKER_COMPOSE))
                .as(DOCKER_COMPOSE + " is missing: apt-get install docker-compose").isTrue();
    }

    @Test
    void composeConfigAcceptsTheFileWithEveryVariableOfEnvExampleSetAndInterpolatesEachOne() throws IOException {
        Map<String, String> dummies = dummies();
        Path env = envFile(dummies);

        Command quiet = compose(env, "config", "-q");
        assertThat(quiet.exitCode()).as(quiet.output()).isZero();
        assertThat(quiet.stderr()).as("docker-compose's warnings").isBlank();

        Command config = compose(env, "config");
        assertThat(config.exitCode()).as(config.output()).isZero();
        JsonNode resolved = ComposeFile.parse(config.stdout());
        List<String> values = new ArrayList<>();
        ComposeFile.strings(resolved, values::add);
        // Every variable env.example lists reaches the resolved file: none is listed but unused.
        dummies.forEach((name, dummy) -> assertThat(values).as(name + "'s value in the resolved file")
                .anyMatch(v -> v.contains(dummy)));
        assertThat(resolved.path("services").path("redis").path("image").asText())
                .isEqualTo(dummies.get("REDIS_IMAGE"));
        assertThat(resolved.path("services").path("gateway-1").path("image").asText())
                .isEqualTo("bookmarks/gateway:" + dummies.get("BOOKMARKS_VERSION"));
    }

    @Test
    void withoutTheOptionalVariablesComposeUsesItsDefaults() throws IOException {
        Map<String, String> dummies = dummies();
        dummies.remove("REDIS_IMAGE");
        dummies.put("BOOKMARKS_VERSION", ""); // as a .env copied from env.example has it: set but empty

        Command config = compose(envFile(dummies), "config");

        assertThat(config.exitCode()).as(config.output()).isZero();
        JsonNode services = ComposeFile.parse(config.stdout()).path("services");
        assertThat(services.path("redis").path("image").asText()).isEqualTo("docker.io/library/redis:7.2.7-bookworm");
        assertThat(services.path("registry").path("image").asText()).isEqualTo("bookmarks/shard-registry:dev");
    }

    static Stream<String> requiredVariables() {
        return ComposeFile.writtenByGenerateEnv().stream();
    }

    @ParameterizedTest
    @MethodSource("requiredVariables")
    void composeConfigFailsNamingGenerateEnvShWhenARequiredVariableIsMissing(String variable) throws IOException {
        Map<String, String> dummies = dummies();
        assertThat(dummies).as("deploy/env.example lists " + variable).containsKey(variable);
        dummies.remove(variable);

        Command config = compose(envFile(dummies), "config", "-q");

        assertThat(config.exitCode()).as(config.output()).isNotZero();
        // The message names the whole environment of the service that needs it; its last part is the variable's own.
        assertThat(config.stderr()).as(config.output()).contains("${" + variable + ":?");
        assertThat(config.stderr().strip()).as(config.output()).endsWith(": run deploy/generate-env.sh");
    }

    @Test
    void generateEnvShWritesAnEnvComposeAcceptsAndKeepsTheGatewaysKeyReadableOnlyThroughAPrivateDirectory()
            throws IOException {
        Path script = copyOfGenerateEnv();

        Command generate = Command.run(scratch, "bash", script.toString());

        assertThat(generate.exitCode()).as(generate.output()).isZero();
        assertThat(mode(scratch.resolve(".env"))).as(".env").isEqualTo("rw-------");
        assertThat(mode(scratch.resolve("deploy/secrets"))).as("deploy/secrets").isEqualTo("rwx------");
        // The gateway (uid 10001) reads the bind-mounted files with the host's mode: see generate-env.sh.
        assertThat(mode(scratch.resolve("deploy/secrets/gateway.key"))).as("gateway.key").isEqualTo("rw-r--r--");
        assertThat(mode(scratch.resolve("deploy/secrets/gateway.crt"))).as("gateway.crt").isEqualTo("rw-r--r--");
        assertThat(Files.readString(scratch.resolve("deploy/secrets/gateway.key"))).contains("-----BEGIN PRIVATE KEY");
        Map<String, String> written = ComposeFile.assignments(Files.readString(scratch.resolve(".env")), script);
        written.forEach((name, value) -> assertThat(value).as(name + " in the generated .env").isNotBlank());

        Command quiet = compose(scratch.resolve(".env"), "config", "-q");
        assertThat(quiet.exitCode()).as(quiet.output()).isZero();
        assertThat(quiet.stderr()).as("docker-compose's warnings").isBlank();
    }

    @Test
    void generateEnvShRefusesToOverwriteAnExistingEnv() throws IOException {
        Path script = copyOfGenerateEnv();
        Files.writeString(scratch.resolve(".env"), "REDIS_PASSWORD=kept\n");

        Command generate = Command.run(scratch, "bash", script.toString());

        assertThat(generate.exitCode()).as(generate.output()).isNotZero();
        assertThat(generate.stderr()).contains(".env exists");
        assertThat(Files.readString(scratch.resolve(".env"))).isEqualTo("REDIS_PASSWORD=kept\n");
        assertThat(scratch.resolve("deploy/secrets")).doesNotExist();
    }

    /** A dummy value for every variable of deploy/env.example: its name and random hex, valid as an image tag too. */
    private static Map<String, String> dummies() {
        Map<String, String> values = new LinkedHashMap<>();
        SecureRandom random = new SecureRandom();
        for (String name : ComposeFile.envExample().keySet()) {
            byte[] bytes = new byte[6];
            random.nextBytes(bytes);
            values.put(name, "dummy-" + name.toLowerCase() + "-" + HexFormat.of().formatHex(bytes));
        }
        return values;
    }

    private Path envFile(Map<String, String> values) throws IOException {
        Path file = Files.createTempFile(scratch, "compose", ".env");
        StringBuilder text = new StringBuilder("# dummies for ComposeConfigIT\n");
        values.forEach((name, value) -> text.append(name).append('=').append(value).append('\n'));
        return Files.writeString(file, text);
    }

    /**
     * docker-compose with the repository root as project directory (where deploy/secrets resolves) and only this
     * env file: the variables env.example names are removed from its environment, which would win over the file.
     */
    private static Command compose(Path envFile, String... arguments) {
        Set<String> unset = ComposeFile.envExample().keySet();
        List<String> command = new ArrayList<>(List.of(DOCKER_COMPOSE.toString(), "--env-file", envFile.toString(),
                "--project-directory", Repository.root().toString(), "-f", ComposeFile.PATH.toString()));
        command.addAll(List.of(arguments));
        return Command.run(Repository.root(), unset, Map.of(), command);
    }

    /** deploy/generate-env.sh copied to scratch/deploy, so that the .env and secrets it makes land in scratch. */
    private Path copyOfGenerateEnv() throws IOException {
        Path deploy = Files.createDirectories(scratch.resolve("deploy"));
        return Files.copy(ComposeFile.GENERATE_ENV, deploy.resolve("generate-env.sh"));
    }

    private static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }
}
