package dev.bookmarks.deployment.compose;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.bookmarks.deployment.Repository;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A module's {@code src/main/resources/application.yml}, and the ports and addresses it listens on once a
 * container's environment is applied: what the compose file and the Dockerfiles must agree with.
 *
 * @param module the Maven module's directory, such as {@code gateway}
 * @param tree the parsed file
 */
public record ApplicationYml(String module, JsonNode tree) {

    /** {@code ${NAME:default}}, the only placeholder form the modules use for ports and addresses. */
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z0-9_.-]+):([^}]*)}");

    /** The module's application.yml. */
    public static ApplicationYml of(String module) {
        try {
            return new ApplicationYml(module, new YAMLMapper().readTree(
                    Repository.file(module + "/src/main/resources/application.yml").toFile()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** server.port as it resolves in a process with this environment. */
    public int serverPort(Map<String, String> env) {
        return Integer.parseInt(resolve("server.port", env).orElseThrow(
                () -> new AssertionError(module + "'s application.yml sets no server.port")));
    }

    /** management.server.port as it resolves with this environment; empty when it is not set (same as server.port). */
    public Optional<Integer> managementServerPort(Map<String, String> env) {
        return resolve("management.server.port", env).map(Integer::parseInt);
    }

    /** The port of the actuator endpoints: management.server.port, or server.port when that is not set. */
    public int actuatorPort(Map<String, String> env) {
        return managementServerPort(env).orElseGet(() -> serverPort(env));
    }

    /**
     * A property as Spring Boot resolves it from this file and an environment: the environment's relaxed name
     * ({@code SERVER_PORT}) wins over the file; in the file, {@code ${NAME:default}} takes NAME from the environment
     * or else the default. Empty when neither sets it.
     */
    public Optional<String> resolve(String property, Map<String, String> env) {
        String relaxed = property.toUpperCase().replace('.', '_').replace("-", "");
        if (env.containsKey(relaxed)) {
            return Optional.of(env.get(relaxed));
        }
        JsonNode node = tree;
        for (String part : property.split("\\.")) {
            node = node.path(part);
        }
        if (node.isMissingNode() || node.isNull()) {
            return Optional.empty();
        }
        String value = node.asText().strip();
        Matcher m = PLACEHOLDER.matcher(value);
        if (m.matches()) {
            return Optional.of(env.getOrDefault(m.group(1), m.group(2)));
        }
        if (value.contains("${")) {
            throw new AssertionError(module + ": " + property + " = " + value
                    + " is a placeholder this test cannot read");
        }
        return Optional.of(value);
    }
}
