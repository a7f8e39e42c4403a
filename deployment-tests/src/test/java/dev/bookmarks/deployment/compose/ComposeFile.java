package dev.bookmarks.deployment.compose;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bookmarks.deployment.Repository;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * docker-compose.yml as Compose reads it, deploy/env.example and the .env that deploy/generate-env.sh writes.
 *
 * <p>The compose file is loaded with SnakeYAML, the parser under Jackson's YAML module, because the file shares its
 * settings through anchors and {@code <<} merge keys, which SnakeYAML resolves as Compose (PyYAML, go-yaml) does while
 * Jackson's tree leaves them as plain keys and strings; the result is then handed to Jackson as a tree.
 */
public final class ComposeFile {

    public static final Path PATH = Repository.file("docker-compose.yml");
    public static final Path ENV_EXAMPLE = Repository.file("deploy/env.example");
    public static final Path GENERATE_ENV = Repository.file("deploy/generate-env.sh");

    /** The body of a {@code ${...}}: a name, then an optional {@code :-}, {@code -}, {@code :?} or {@code ?} part. */
    private static final Pattern BRACED = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])(.*))?", Pattern.DOTALL);
    private static final Pattern UNBRACED = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern ASSIGNMENT = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=(.*)");

    private ComposeFile() {
    }

    /** One {@code ${NAME...}} or {@code $NAME} in a value of the compose file. */
    public record Interpolation(String text, String name, String operator, String argument) {

        /** {@code :-} or {@code -}: the variable may be left unset. */
        public boolean hasDefault() {
            return operator.startsWith(":-") || operator.equals("-");
        }

        /** {@code :?} or {@code ?}: Compose stops with the argument as its message when the variable is unset. */
        public boolean isRequired() {
            return operator.endsWith("?");
        }
    }

    /** The file's tree with merge keys and aliases resolved, read once per call from disk. */
    public static JsonNode tree() {
        return parse(read(PATH));
    }

    /** A compose file's text as Compose sees it: merge keys applied; duplicate keys refused (a silent override). */
    public static JsonNode parse(String yaml) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        Object document = new Yaml(new SafeConstructor(options)).load(yaml);
        return new ObjectMapper().valueToTree(document);
    }

    /** The services by name, in the file's order. */
    public static Map<String, JsonNode> services(JsonNode tree) {
        Map<String, JsonNode> services = new LinkedHashMap<>();
        tree.path("services").properties().forEach(e -> services.put(e.getKey(), e.getValue()));
        return services;
    }

    /** The services that compose builds from a module's Dockerfile: the Java services. */
    public static Map<String, JsonNode> builtServices(JsonNode tree) {
        Map<String, JsonNode> built = new LinkedHashMap<>();
        services(tree).forEach((name, service) -> {
            if (module(service).isPresent()) {
                built.put(name, service);
            }
        });
        return built;
    }

    /** The module whose directory is the service's build context ({@code ./gateway} is gateway); empty if not built. */
    public static Optional<String> module(JsonNode service) {
        JsonNode build = service.path("build");
        String context = build.isTextual() ? build.asText() : build.path("context").asText(null);
        if (context == null) {
            return Optional.empty();
        }
        return Optional.of(Path.of(context).normalize().toString());
    }

    /** A service's environment, whether written as a map or as a list of NAME=value. */
    public static Map<String, String> environment(JsonNode service) {
        Map<String, String> env = new LinkedHashMap<>();
        JsonNode node = service.path("environment");
        if (node.isObject()) {
            node.properties().forEach(e -> env.put(e.getKey(), e.getValue().isNull() ? null : e.getValue().asText()));
        } else if (node.isArray()) {
            node.forEach(item -> {
                String[] pair = item.asText().split("=", 2);
                env.put(pair[0], pair.length == 2 ? pair[1] : null);
            });
        }
        return env;
    }

    /** Every interpolation in the tree's values (not its keys, which Compose does not interpolate). */
    public static List<Interpolation> interpolations(JsonNode tree) {
        List<Interpolation> found = new ArrayList<>();
        strings(tree, text -> found.addAll(interpolations(text)));
        return found;
    }

    /** The interpolations of one value, by Compose's rules: {@code $$} is a literal {@code $}. */
    public static List<Interpolation> interpolations(String text) {
        List<Interpolation> found = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            int dollar = text.indexOf('$', i);
            if (dollar < 0 || dollar == text.length() - 1) {
                break;
            }
            char next = text.charAt(dollar + 1);
            if (next == '$') {
                i = dollar + 2;
            } else if (next == '{') {
                int close = text.indexOf('}', dollar);
                if (close < 0) {
                    throw new AssertionError("unclosed ${ in " + text);
                }
                Matcher m = BRACED.matcher(text.substring(dollar + 2, close));
                if (!m.matches()) {
                    throw new AssertionError("not an interpolation Compose accepts: "
                            + text.substring(dollar, close + 1));
                }
                found.add(new Interpolation(text.substring(dollar, close + 1), m.group(1),
                        Optional.ofNullable(m.group(2)).orElse(""), Optional.ofNullable(m.group(3)).orElse("")));
                i = close + 1;
            } else {
                Matcher m = UNBRACED.matcher(text).region(dollar + 1, text.length());
                if (m.lookingAt()) {
                    found.add(new Interpolation("$" + m.group(), m.group(), "", ""));
                    i = m.end();
                } else {
                    i = dollar + 1;
                }
            }
        }
        return found;
    }

    /** deploy/env.example's assignments, NAME to value, in order; fails on a line that is neither. */
    public static Map<String, String> envExample() {
        return assignments(read(ENV_EXAMPLE), ENV_EXAMPLE);
    }

    /** The variables deploy/generate-env.sh writes: the assignments of its {@code cat > .env} here-document. */
    public static Set<String> writtenByGenerateEnv() {
        List<String> lines = read(GENERATE_ENV).lines().toList();
        int start = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).strip().matches("cat > \\.env <<'?ENV'?")) {
                start = i + 1;
            }
        }
        if (start < 0) {
            throw new AssertionError("no 'cat > .env <<ENV' here-document in " + GENERATE_ENV);
        }
        int end = lines.subList(start, lines.size()).indexOf("ENV");
        if (end < 0) {
            throw new AssertionError("the .env here-document of " + GENERATE_ENV + " does not end");
        }
        return assignments(String.join("\n", lines.subList(start, start + end)), GENERATE_ENV).keySet();
    }

    /** The NAME=value lines of an env file; comment and blank lines are skipped, anything else fails. */
    public static Map<String, String> assignments(String text, Path source) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : text.lines().toList()) {
            if (line.isBlank() || line.strip().startsWith("#")) {
                continue;
            }
            Matcher m = ASSIGNMENT.matcher(line);
            if (!m.matches()) {
                throw new AssertionError("not NAME=value in " + source + ": " + line);
            }
            if (values.put(m.group(1), m.group(2)) != null) {
                throw new AssertionError(m.group(1) + " is assigned twice in " + source);
            }
        }
        return values;
    }

    /** Names of interpolated variables by whether they have a default. */
    public static Map<Boolean, Set<String>> variablesByDefault(JsonNode tree) {
        Map<Boolean, Set<String>> byDefault = new TreeMap<>();
        for (Interpolation i : interpolations(tree)) {
            byDefault.computeIfAbsent(i.hasDefault(), k -> new LinkedHashSet<>()).add(i.name());
        }
        return byDefault;
    }

    static void strings(JsonNode node, Consumer<String> sink) {
        if (node.isTextual()) {
            sink.accept(node.asText());
        } else if (node.isContainerNode()) {
            node.forEach(child -> strings(child, sink));
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
