package dev.bookmarks.deployment.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** The objects of one rendered overlay. */
record Rendered(String yaml, List<JsonNode> trees, List<HasMetadata> objects) {

    static final String NAME = "app.kubernetes.io/name";

    /** A Deployment or StatefulSet: what owns pods. */
    record Workload(HasMetadata owner, LabelSelector selector, PodTemplateSpec template, int replicas) {

        String kind() {
            return owner.getKind();
        }

        String name() {
            return owner.getMetadata().getName();
        }

        /** The component, the pods' app.kubernetes.io/name label. */
        String component() {
            return template.getMetadata().getLabels().get(NAME);
        }

        Map<String, String> podLabels() {
            return template.getMetadata().getLabels();
        }
    }

    <T extends HasMetadata> List<T> all(Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    <T extends HasMetadata> Optional<T> find(Class<T> type, String name) {
        return all(type).stream().filter(o -> o.getMetadata().getName().equals(name)).findFirst();
    }

    <T extends HasMetadata> T get(Class<T> type, String name) {
        return find(type, name).orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " " + name));
    }

    List<Workload> workloads() {
        List<Workload> workloads = new ArrayList<>();
        for (Deployment d : all(Deployment.class)) {
            workloads.add(new Workload(d, d.getSpec().getSelector(), d.getSpec().getTemplate(),
                    Objects.requireNonNullElse(d.getSpec().getReplicas(), 1)));
        }
        for (StatefulSet s : all(StatefulSet.class)) {
            workloads.add(new Workload(s, s.getSpec().getSelector(), s.getSpec().getTemplate(),
                    Objects.requireNonNullElse(s.getSpec().getReplicas(), 1)));
        }
        return workloads;
    }

    Workload workload(String component) {
        return workloads().stream().filter(w -> component.equals(w.component())).findFirst()
                .orElseThrow(() -> new AssertionError("no workload of component " + component));
    }

    List<Workload> selected(LabelSelector selector) {
        return workloads().stream().filter(w -> matches(selector, w.podLabels())).toList();
    }

    List<Service> services() {
        return all(Service.class);
    }

    List<NetworkPolicy> networkPolicies() {
        return all(NetworkPolicy.class);
    }

    List<Secret> secrets() {
        return all(Secret.class);
    }

    List<ConfigMap> configMaps() {
        return all(ConfigMap.class);
    }

    List<PersistentVolumeClaim> claims() {
        return all(PersistentVolumeClaim.class);
    }

    /** Kubernetes' label-selector semantics; a null selector selects nothing, an empty one everything. */
    static boolean matches(LabelSelector selector, Map<String, String> labels) {
        if (selector == null) {
            return false;
        }
        Map<String, String> have = labels == null ? Map.of() : labels;
        if (selector.getMatchLabels() != null) {
            for (Map.Entry<String, String> e : selector.getMatchLabels().entrySet()) {
                if (!e.getValue().equals(have.get(e.getKey()))) {
                    return false;
                }
            }
        }
        if (selector.getMatchExpressions() != null) {
            for (LabelSelectorRequirement r : selector.getMatchExpressions()) {
                String value = have.get(r.getKey());
                boolean ok = switch (r.getOperator()) {
                    case "In" -> value != null && r.getValues().contains(value);
                    case "NotIn" -> value == null || !r.getValues().contains(value);
                    case "Exists" -> have.containsKey(r.getKey());
                    case "DoesNotExist" -> !have.containsKey(r.getKey());
                    default -> throw new AssertionError("unknown selector operator " + r.getOperator());
                };
                if (!ok) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Whether a selector is the plain {@code matchLabels} map given. */
    static boolean isExactly(LabelSelector selector, Map<String, String> labels) {
        return selector != null && (selector.getMatchExpressions() == null || selector.getMatchExpressions().isEmpty())
                && labels.equals(selector.getMatchLabels());
    }
}
