package dev.bookmarks.deployment.k8s;

import dev.bookmarks.deployment.Command;
import dev.bookmarks.deployment.Repository;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Renders an overlay under k8s/overlays with {@code kubectl kustomize} (once per overlay and JVM) and parses it. */
final class Kustomize {

    static final String KUBECTL = "/usr/bin/kubectl";

    private static final Map<String, Rendered> CACHE = new ConcurrentHashMap<>();

    private Kustomize() {
    }

    /** The rendered overlay, {@code dev} or {@code prod}. */
    static Rendered overlay(String name) {
        return CACHE.computeIfAbsent(name, n -> render(Repository.file("k8s/overlays/" + n)));
    }

    /** The output of {@code kubectl kustomize dir}; fails with kubectl's own message when it does. */
    static String renderText(Path dir) {
        return run(dir)[0];
    }

    /** Standard output and standard error of a successful {@code kubectl kustomize dir}. */
    static String[] run(Path dir) {
        Command kustomize = Command.run(Repository.root(), List.of(), Map.of(), Duration.ofSeconds(120),
                List.of(KUBECTL, "kustomize", dir.toString())).orFail();
        return new String[] {kustomize.stdout(), kustomize.stderr()};
    }

    static Rendered render(Path dir) {
        return parse(renderText(dir));
    }

    /** Every document of a multi-document YAML stream, as a tree and as fabric8's typed object. */
    static Rendered parse(String yaml) {
        List<JsonNode> trees = new ArrayList<>();
        List<HasMetadata> objects = new ArrayList<>();
        try (MappingIterator<JsonNode> documents = new YAMLMapper().readerFor(JsonNode.class).readValues(yaml)) {
            while (documents.hasNext()) {
                JsonNode document = documents.next();
                if (document == null || document.isNull() || document.isEmpty()) {
                    continue;
                }
                trees.add(document);
                Object typed = Serialization.unmarshal(document.toString());
                if (!(typed instanceof HasMetadata)) {
                    throw new AssertionError("not a Kubernetes object: " + document);
                }
                objects.add((HasMetadata) typed);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Rendered(yaml, trees, objects);
    }
}
