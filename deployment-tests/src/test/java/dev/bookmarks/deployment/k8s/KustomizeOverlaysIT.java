package dev.bookmarks.deployment.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.bookmarks.deployment.Repository;
import dev.bookmarks.deployment.k8s.NetworkEdges.Edge;
import dev.bookmarks.deployment.k8s.Rendered.Workload;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The kustomize overlays under k8s/overlays, rendered by {@code kubectl kustomize} and read into fabric8's typed
 * model: what the issue asks of them, checked against the rendered objects and against the services' own
 * application.yml.
 */
class KustomizeOverlaysIT {

    /** The Java workloads (by app.kubernetes.io/name) and the Maven module whose application.yml configures each. */
    static final Map<String, String> JAVA_MODULES = Map.of(
            "gateway", "gateway",
            "shard", "bookmark-service",
            "registry", "shard-registry",
            "issuer", "dev-issuer");

    /** The Secrets an operator creates (k8s/README.md) and their keys; nothing else may be referenced unrendered. */
    static final Map<String, Set<String>> OPERATOR_SECRETS = Map.of(
            "bookmarks-secrets", Set.of("redis-url", "redis-password", "internal-secret", "ring-signing-private-key",
                    "ring-signing-public-key", "admin-user", "admin-password-hash", "issuer-alice-password",
                    "issuer-bob-password"),
            "gateway-tls", Set.of("tls.crt", "tls.key"));

    static final Set<Edge> COMMON_EDGES = Set.of(
            Edge.of("anywhere", "gateway", 8070),
            Edge.of("gateway", "shard", 8080),
            Edge.of("shard", "shard", 8080),
            Edge.of("gateway", "issuer", 9000),
            Edge.of("anywhere", "issuer", 9000),
            Edge.of("monitoring", "gateway", 8071),
            Edge.of("monitoring", "shard", 8081),
            Edge.of("monitoring", "registry", 8091));

    /** Redis in the cluster: dev only (prod uses an external managed Redis, k8s/README.md). */
    static final Set<Edge> IN_CLUSTER_REDIS_EDGES = Set.of(
            Edge.of("gateway", "redis", 6379),
            Edge.of("shard", "redis", 6379),
            Edge.of("registry", "redis", 6379));

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void theOverlayRendersWithKubectlKustomizeWithoutAnyWarning(String overlay) {
        String[] outputs = Kustomize.run(Repository.file("k8s/overlays/" + overlay));

        assertThat(outputs[0]).contains("kind: Deployment");
        assertThat(outputs[1]).as("kustomize's warnings (deprecated fields and the like)").isBlank();
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyObjectParsesWithTheFabric8ModelWithNoUnknownField(String overlay) {
        Rendered rendered = Kustomize.overlay(overlay);

        assertThat(rendered.objects()).hasSize(rendered.trees().size()).isNotEmpty();
        for (HasMetadata object : rendered.objects()) {
            String name = object.getKind() + " " + object.getMetadata().getName();
            assertThat(object).as(name).isNotInstanceOf(GenericKubernetesResource.class);
            assertThat(UnknownFields.of(object)).as("fields fabric8's model does not know in " + name).isEmpty();
        }
        assertThat(rendered.objects()).extracting(HasMetadata::getKind)
                .contains("Namespace", "ConfigMap", "Deployment", "StatefulSet", "Service", "HorizontalPodAutoscaler",
                        "PodDisruptionBudget", "NetworkPolicy");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyNamespacedObjectIsInTheOverlaysNamespaceAndLabelledAsPartOfBookmarks(String overlay) {
        Rendered rendered = Kustomize.overlay(overlay);
        String namespace = rendered.all(io.fabric8.kubernetes.api.model.Namespace.class).get(0).getMetadata().getName();

        for (HasMetadata object : rendered.objects()) {
            String name = object.getKind() + " " + object.getMetadata().getName();
            if (!object.getKind().equals("Namespace")) {
                assertThat(object.getMetadata().getNamespace()).as(name).isEqualTo(namespace);
            }
            assertThat(object.getMetadata().getLabels()).as(name).containsEntry("app.kubernetes.io/part-of", "bookmarks");
        }
        for (Workload w : rendered.workloads()) {
            assertThat(w.podLabels()).as(w.name()).containsKeys("app.kubernetes.io/name", "app.kubernetes.io/component")
                    .containsEntry("app.kubernetes.io/part-of", "bookmarks");
            assertThat(w.owner().getMetadata().getLabels()).as(w.name()).containsAllEntriesOf(w.podLabels());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everySelectorMatchesTheLabelsOfAWorkload(String overlay) {
        Rendered rendered = Kustomize.overlay(overlay);

        for (Workload w : rendered.workloads()) {
            assertThat(Rendered.matches(w.selector(), w.podLabels())).as(w.name() + "'s selector and pod labels").isTrue();
            assertThat(rendered.selected(w.selector())).as("pods " + w.name() + "'s selector takes").containsExactly(w);
            for (TopologySpreadConstraint c : Optional.ofNullable(w.template().getSpec().getTopologySpreadConstraints())
                    .orElse(List.of())) {
                assertThat(rendered.selected(c.getLabelSelector())).as(w.name() + "'s spread constraint").containsExactly(w);
            }
        }
        for (Service service : rendered.services()) {
            Map<String, String> selector = service.getSpec().getSelector();
            assertThat(selector).as("Service " + service.getMetadata().getName()).isNotEmpty();
            List<Workload> backends = rendered.workloads().stream()
                    .filter(w -> w.podLabels().entrySet().containsAll(selector.entrySet())).toList();
            assertThat(backends).as("Service " + service.getMetadata().getName() + " selects one workload").hasSize(1);
            for (ServicePort port : service.getSpec().getPorts()) {
                assertThat(containerPort(backends.get(0), port.getTargetPort().getStrVal() != null
                        ? port.getTargetPort().getStrVal() : port.getTargetPort().getIntVal().toString()))
                        .as("Service " + service.getMetadata().getName() + " target port " + port.getTargetPort())
                        .isPresent();
            }
        }
        for (StatefulSet set : rendered.all(StatefulSet.class)) {
            Service governing = rendered.get(Service.class, set.getSpec().getServiceName());
            assertThat(governing.getSpec().getClusterIP()).as("governing Service of " + set.getMetadata().getName())
                    .isEqualTo("None");
        }
        for (PodDisruptionBudget pdb : rendered.all(PodDisruptionBudget.class)) {
            assertThat(rendered.selected(pdb.getSpec().getSelector())).as("PDB " + pdb.getMetadata().getName()).hasSize(1);
        }
        for (HorizontalPodAutoscaler hpa : rendered.all(HorizontalPodAutoscaler.class)) {
            var target = hpa.getSpec().getScaleTargetRef();
            assertThat(rendered.workloads()).as("HPA " + hpa.getMetadata().getName() + " target")
                    .anyMatch(w -> w.kind().equals(target.getKind()) && w.name().equals(target.getName())
                            && w.owner().getApiVersion().equals(target.getApiVersion()));
        }
        for (NetworkPolicy policy : rendered.networkPolicies()) {
            assertThat(rendered.selected(policy.getSpec().getPodSelector())).as("pods of NetworkPolicy "
                    + policy.getMetadata().getName()).isNotEmpty();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyReferencedSecretConfigMapAndVolumeExistsOrIsAnOperatorSecretTheReadmeDocuments(String overlay)
            throws IOException {
        Rendered rendered = Kustomize.overlay(overlay);
        String readme = Files.readString(Repository.file("k8s/README.md"));
        Map<String, Set<String>> secretRefs = new TreeMap<>();
        Map<String, Set<String>> configMapRefs = new TreeMap<>();

        for (Workload w : rendered.workloads()) {
            PodSpec pod = w.template().getSpec();
            Set<String> volumes = new HashSet<>();
            for (Volume v : Optional.ofNullable(pod.getVolumes()).orElse(List.of())) {
                volumes.add(v.getName());
                if (v.getSecret() != null) {
                    assertThat(v.getSecret().getItems()).as("secret volume " + v.getName() + " names its keys").isNotEmpty();
                    v.getSecret().getItems().forEach(i -> secretRefs.computeIfAbsent(v.getSecret().getSecretName(),
                            k -> new TreeSet<>()).add(i.getKey()));
                }
                if (v.getConfigMap() != null) {
                    configMapRefs.computeIfAbsent(v.getConfigMap().getName(), k -> new TreeSet<>());
                }
                if (v.getPersistentVolumeClaim() != null) {
                    assertThat(rendered.claims()).extracting(c -> c.getMetadata().getName()).as(w.name())
                            .contains(v.getPersistentVolumeClaim().getClaimName());
                }
            }
            if (w.owner() instanceof StatefulSet set && set.getSpec().getVolumeClaimTemplates() != null) {
                set.getSpec().getVolumeClaimTemplates().forEach(t -> volumes.add(t.getMetadata().getName()));
            }
            for (Container c : containers(pod)) {
                for (VolumeMount m : Optional.ofNullable(c.getVolumeMounts()).orElse(List.of())) {
                    assertThat(volumes).as(w.name() + "/" + c.getName() + " mount " + m.getMountPath()).contains(m.getName());
                }
                for (EnvVar e : Optional.ofNullable(c.getEnv()).orElse(List.of())) {
                    if (e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null) {
                        var ref = e.getValueFrom().getSecretKeyRef();
                        secretRefs.computeIfAbsent(ref.getName(), k -> new TreeSet<>()).add(ref.getKey());
                    }
                    if (e.getValueFrom() != null && e.getValueFrom().getConfigMapKeyRef() != null) {
                        var ref = e.getValueFrom().getConfigMapKeyRef();
                        configMapRefs.computeIfAbsent(ref.getName(), k -> new TreeSet<>()).add(ref.getKey());
                    }
                }
                assertThat(c.getEnvFrom()).as(w.name() + "/" + c.getName() + " envFrom (refer to each key)").isNullOrEmpty();
            }
        }

        configMapRefs.forEach((name, keys) -> {
            ConfigMap map = rendered.get(ConfigMap.class, name);
            assertThat(map.getData()).as("ConfigMap " + name).containsKeys(keys.toArray(String[]::new));
        });
        assertThat(secretRefs).as("referenced Secrets").isNotEmpty();
        secretRefs.forEach((name, keys) -> {
            if (rendered.secrets().stream().noneMatch(s -> s.getMetadata().getName().equals(name))) {
                assertThat(OPERATOR_SECRETS).as("Secret " + name + " is neither rendered nor an operator's").containsKey(name);
                assertThat(OPERATOR_SECRETS.get(name)).as("keys of Secret " + name).containsAll(keys);
            }
        });
        assertThat(rendered.secrets()).as("no Secret is committed").isEmpty();
        OPERATOR_SECRETS.forEach((name, keys) -> {
            assertThat(readme).as("k8s/README.md documents Secret " + name).contains("`" + name + "`");
            keys.forEach(key -> assertThat(readme).as("k8s/README.md documents key " + key + " of " + name)
                    .contains("`" + key + "`"));
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void probesUseTheManagementPortAndHealthGroupsOfEachServicesApplicationYml(String overlay) throws IOException {
        Rendered rendered = Kustomize.overlay(overlay);

        for (Map.Entry<String, String> entry : JAVA_MODULES.entrySet()) {
            Workload w = rendered.workload(entry.getKey());
            Container c = javaContainer(w);
            JsonNode app = new YAMLMapper().readTree(Repository.file(entry.getValue() + "/src/main/resources/application.yml")
                    .toFile());
            JsonNode management = app.path("management");
            assertThat(management.path("endpoint").path("health").path("probes").path("enabled").asBoolean())
                    .as(entry.getValue() + " enables the liveness and readiness groups").isTrue();
            assertThat(management.path("endpoints").path("web").path("base-path").asText("/actuator"))
                    .as(entry.getValue() + " actuator base path").isEqualTo("/actuator");
            assertThat(management.path("server").path("base-path").isMissingNode()).isTrue();
            String portValue = management.path("server").path("port").isMissingNode()
                    ? app.path("server").path("port").asText() : management.path("server").path("port").asText();
            int managementPort = resolvePort(portValue, c, management.path("server").path("port").isMissingNode()
                    ? "SERVER_PORT" : "MANAGEMENT_SERVER_PORT");

            Map<String, Probe> probes = new LinkedHashMap<>();
            probes.put("/actuator/health/liveness", c.getLivenessProbe());
            probes.put("/actuator/health/readiness", c.getReadinessProbe());
            probes.put("/actuator/health/liveness ", c.getStartupProbe());
            probes.forEach((path, probe) -> {
                String what = w.name() + " probe " + path.strip();
                assertThat(probe).as(what).isNotNull();
                HTTPGetAction get = probe.getHttpGet();
                assertThat(get).as(what + " is an httpGet").isNotNull();
                assertThat(get.getPath()).as(what).isEqualTo(path.strip());
                assertThat(get.getScheme()).as(what + " scheme (management is plain HTTP)").isIn(null, "HTTP");
                String port = get.getPort().getStrVal() != null ? get.getPort().getStrVal()
                        : get.getPort().getIntVal().toString();
                assertThat(containerPort(w, port)).as(what + " port " + port).map(ContainerPort::getContainerPort)
                        .contains(managementPort);
            });
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void networkPoliciesAllowExactlyTheExpectedEdgesAndDenyAllOtherIngress(String overlay) {
        Rendered rendered = Kustomize.overlay(overlay);
        boolean inClusterRedis = rendered.workloads().stream().anyMatch(w -> "redis".equals(w.component()));
        Set<Edge> expected = new TreeSet<>(COMMON_EDGES);
        if (inClusterRedis) {
            expected.addAll(IN_CLUSTER_REDIS_EDGES);
        }

        assertThat(inClusterRedis).as("in-cluster Redis").isEqualTo(overlay.equals("dev"));
        assertThat(NetworkEdges.allowed(rendered)).containsExactlyInAnyOrderElementsOf(expected);
        for (NetworkPolicy policy : rendered.networkPolicies()) {
            assertThat(policy.getSpec().getPolicyTypes()).as("policy " + policy.getMetadata().getName()
                    + " is about ingress only (what this test computes)").containsExactly("Ingress");
        }
        assertThat(rendered.networkPolicies()).as("a default deny of ingress for every pod of the namespace")
                .anyMatch(p -> p.getSpec().getPodSelector() != null
                        && (p.getSpec().getPodSelector().getMatchLabels() == null
                        || p.getSpec().getPodSelector().getMatchLabels().isEmpty())
                        && (p.getSpec().getPodSelector().getMatchExpressions() == null
                        || p.getSpec().getPodSelector().getMatchExpressions().isEmpty())
                        && (p.getSpec().getIngress() == null || p.getSpec().getIngress().isEmpty()));
        Set<String> components = new TreeSet<>();
        rendered.workloads().forEach(w -> components.add(w.component()));
        Set<String> protectedComponents = new TreeSet<>();
        rendered.networkPolicies().stream().filter(p -> p.getSpec().getIngress() != null)
                .forEach(p -> rendered.selected(p.getSpec().getPodSelector()).forEach(w -> protectedComponents.add(w.component())));
        assertThat(protectedComponents).as("every workload has its own ingress policy").isEqualTo(components);
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void theRegistryBootstrapsExactlyTheStatefulSetsShardsByTheirStableNames(String overlay) throws IOException {
        Rendered rendered = Kustomize.overlay(overlay);
        StatefulSet shards = rendered.get(StatefulSet.class, "shard");
        Service headless = rendered.get(Service.class, shards.getSpec().getServiceName());
        Workload shard = rendered.workload("shard");
        Container container = javaContainer(shard);
        Map<String, EnvVar> env = env(container);
        int shardPort = resolvePort(new YAMLMapper().readTree(Repository.file("bookmark-service/src/main/resources/application.yml")
                .toFile()).path("server").path("port").asText(), container, "SERVER_PORT");

        assertThat(headless.getSpec().getClusterIP()).isEqualTo("None");
        assertThat(headless.getSpec().getPublishNotReadyAddresses()).as("shard names resolve before shards are ready")
                .isTrue();
        assertThat(containerPort(shard, "http")).map(ContainerPort::getContainerPort).contains(shardPort);
        assertThat(env.get("POD_NAME").getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.name");
        assertThat(env.get("BOOKMARKS_SHARD_ID").getValue()).isEqualTo("$(POD_NAME)");
        String urlTemplate = env.get("BOOKMARKS_SHARD_URL").getValue();
        String namespace = shards.getMetadata().getNamespace();
        assertThat(List.of("http://$(POD_NAME)." + headless.getMetadata().getName() + ":" + shardPort,
                "http://$(POD_NAME)." + headless.getMetadata().getName() + "." + namespace + ".svc.cluster.local:" + shardPort))
                .as("the shard's ring URL is its stable DNS name").contains(urlTemplate);
        assertThat(env.get("BOOKMARKS_SHARD_DATA_DIR").getValue()).isEqualTo("/data");
        assertThat(container.getVolumeMounts()).anyMatch(m -> m.getMountPath().equals("/data")
                && shards.getSpec().getVolumeClaimTemplates().stream().anyMatch(t -> t.getMetadata().getName().equals(m.getName())));

        Map<Integer, String[]> bootstrap = new TreeMap<>();
        Pattern variable = Pattern.compile("BOOKMARKS_REGISTRY_BOOTSTRAP_SHARDS_(\\d+)_(ID|URL|WEIGHT)");
        for (EnvVar e : Optional.ofNullable(javaContainer(rendered.workload("registry")).getEnv()).orElse(List.of())) {
            Matcher m = variable.matcher(e.getName());
            if (m.matches()) {
                assertThat(e.getValue()).as(e.getName() + " is a plain value").isNotNull();
                String[] spec = bootstrap.computeIfAbsent(Integer.parseInt(m.group(1)), i -> new String[2]);
                if (!m.group(2).equals("WEIGHT")) {
                    spec[m.group(2).equals("ID") ? 0 : 1] = e.getValue();
                }
            }
        }
        int replicas = shards.getSpec().getReplicas();
        assertThat(replicas).as("shards in " + overlay).isGreaterThanOrEqualTo(2);
        assertThat(bootstrap.keySet()).as("bootstrap entries").containsExactlyElementsOf(
                java.util.stream.IntStream.range(0, replicas).boxed().toList());
        bootstrap.forEach((i, spec) -> {
            String podName = shards.getMetadata().getName() + "-" + i;
            assertThat(spec[0]).as("bootstrap shard " + i + " id").isEqualTo(podName);
            assertThat(spec[1]).as("bootstrap shard " + i + " url").isEqualTo(urlTemplate.replace("$(POD_NAME)", podName));
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyContainerRunsAsTheImageUserWithARestrictedSecurityContextResourcesAndATmpEmptyDir(String overlay) {
        Rendered rendered = Kustomize.overlay(overlay);

        for (Workload w : rendered.workloads()) {
            PodSpec pod = w.template().getSpec();
            PodSecurityContext podContext = pod.getSecurityContext();
            assertThat(podContext).as(w.name() + " pod securityContext").isNotNull();
            assertThat(podContext.getRunAsNonRoot()).as(w.name()).isTrue();
            assertThat(podContext.getSeccompProfile().getType()).as(w.name()).isEqualTo("RuntimeDefault");
            assertThat(pod.getAutomountServiceAccountToken()).as(w.name() + " mounts no API token").isFalse();
            assertThat(pod.getHostNetwork()).isIn(null, false);
            for (Container c : containers(pod)) {
                String what = w.name() + "/" + c.getName();
                SecurityContext sc = c.getSecurityContext();
                assertThat(sc).as(what + " securityContext").isNotNull();
                assertThat(sc.getRunAsNonRoot()).as(what + " runAsNonRoot").isTrue();
                assertThat(sc.getRunAsUser()).as(what + " runAsUser").isEqualTo(10001L);
                assertThat(sc.getReadOnlyRootFilesystem()).as(what + " readOnlyRootFilesystem").isTrue();
                assertThat(sc.getAllowPrivilegeEscalation()).as(what + " allowPrivilegeEscalation").isFalse();
                assertThat(sc.getPrivileged()).as(what + " privileged").isIn(null, false);
                assertThat(sc.getCapabilities().getDrop()).as(what + " drops").containsExactly("ALL");
                assertThat(sc.getCapabilities().getAdd()).as(what + " adds").isNullOrEmpty();
                assertThat(sc.getSeccompProfile().getType()).as(what + " seccomp").isEqualTo("RuntimeDefault");

                for (String kind : List.of("cpu", "memory")) {
                    Quantity request = c.getResources().getRequests().get(kind);
                    Quantity limit = c.getResources().getLimits().get(kind);
                    assertThat(request).as(what + " requests " + kind).isNotNull();
                    assertThat(limit).as(what + " limits " + kind).isNotNull();
                    assertThat(Quantity.getAmountInBytes(request)).as(what + " " + kind + " request <= limit")
                            .isLessThanOrEqualTo(Quantity.getAmountInBytes(limit));
                }

                VolumeMount tmp = c.getVolumeMounts().stream().filter(m -> m.getMountPath().equals("/tmp")).findFirst()
                        .orElseThrow(() -> new AssertionError(what + " mounts nothing at /tmp"));
                assertThat(pod.getVolumes()).as(what + " /tmp is an emptyDir")
                        .anyMatch(v -> v.getName().equals(tmp.getName()) && v.getEmptyDir() != null);
                assertThat(c.getImage()).as(what + " image is pinned").matches("[^:@]+(:[^:]+|@sha256:[0-9a-f]{64})")
                        .doesNotEndWith(":latest");
                if (overlay.equals("prod")) {
                    assertThat(c.getImage()).as(what + " prod image").doesNotEndWith(":dev");
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyJavaContainerLogsStructuredEcsAndEveryOtherEnvironmentVariableIsARealProperty(String overlay) {
        Rendered rendered = Kustomize.overlay(overlay);

        for (String component : JAVA_MODULES.keySet()) {
            Workload w = rendered.workload(component);
            Map<String, EnvVar> env = env(javaContainer(w));
            assertThat(env.get("LOGGING_STRUCTURED_FORMAT_CONSOLE")).as(w.name()).isNotNull()
                    .extracting(EnvVar::getValue).isEqualTo("ecs");
            assertThat(env.keySet()).as(w.name() + " sets its Redis only through the URL Spring Boot reads")
                    .noneMatch(n -> n.startsWith("SPRING_DATA_REDIS_") && !n.equals("SPRING_DATA_REDIS_URL"));
            if (!component.equals("issuer")) {
                assertThat(env.get("SPRING_DATA_REDIS_URL").getValueFrom().getSecretKeyRef().getKey()).as(w.name())
                        .isEqualTo("redis-url");
                assertThat(env).as(w.name() + " trusts the ring-signing key")
                        .containsKey("BOOKMARKS_REGISTRY_RING_SIGNING_TRUSTED_KEYS_0");
            }
        }
        Map<String, EnvVar> gateway = env(javaContainer(rendered.workload("gateway")));
        assertThat(gateway).containsKeys("BOOKMARKS_GATEWAY_INTERNAL_SECRET", "SPRING_SSL_BUNDLE_PEM_GATEWAY_KEYSTORE_CERTIFICATE",
                "SPRING_SSL_BUNDLE_PEM_GATEWAY_KEYSTORE_PRIVATE_KEY", "SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_ISSUER_URI",
                "SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_AUDIENCES");
        assertThat(gateway.get("BOOKMARKS_GATEWAY_INTERNAL_SECRET").getValueFrom().getSecretKeyRef().getKey())
                .isEqualTo(env(javaContainer(rendered.workload("shard"))).get("BOOKMARKS_SHARD_TRUST_SECRETS_0")
                        .getValueFrom().getSecretKeyRef().getKey());
        Container gatewayContainer = javaContainer(rendered.workload("gateway"));
        for (String variable : List.of("SPRING_SSL_BUNDLE_PEM_GATEWAY_KEYSTORE_CERTIFICATE",
                "SPRING_SSL_BUNDLE_PEM_GATEWAY_KEYSTORE_PRIVATE_KEY")) {
            String file = gateway.get(variable).getValue();
            assertThat(file).startsWith("file:");
            String directory = file.substring("file:".length(), file.lastIndexOf('/'));
            assertThat(gatewayContainer.getVolumeMounts()).as(variable + " is in a mounted Secret")
                    .anyMatch(m -> m.getMountPath().equals(directory));
        }
        assertThat(env(javaContainer(rendered.workload("registry"))))
                .containsKeys("BOOKMARKS_REGISTRY_RING_SIGNING_PRIVATE_KEY", "BOOKMARKS_REGISTRY_ADMIN_USERS_0_NAME",
                        "BOOKMARKS_REGISTRY_ADMIN_USERS_0_PASSWORD");
        assertThat(env(javaContainer(rendered.workload("shard")))).containsKeys("BOOKMARKS_MANAGEMENT_USERS_0_NAME",
                "BOOKMARKS_MANAGEMENT_USERS_0_PASSWORD");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void gatewaysAreAutoscaledSpreadBudgetedAndOutliveTheirGracefulShutdown(String overlay) {
        Rendered rendered = Kustomize.overlay(overlay);
        Deployment gateway = rendered.get(Deployment.class, "gateway");
        PodSpec pod = gateway.getSpec().getTemplate().getSpec();
        Container c = javaContainer(rendered.workload("gateway"));
        HorizontalPodAutoscaler hpa = rendered.get(HorizontalPodAutoscaler.class, "gateway");

        assertThat(gateway.getSpec().getReplicas()).isEqualTo(overlay.equals("dev") ? 1 : 3);
        assertThat(hpa.getApiVersion()).isEqualTo("autoscaling/v2");
        assertThat(hpa.getSpec().getMinReplicas()).isEqualTo(gateway.getSpec().getReplicas());
        assertThat(hpa.getSpec().getMaxReplicas()).isGreaterThan(hpa.getSpec().getMinReplicas());
        assertThat(hpa.getSpec().getMetrics()).anyMatch(m -> m.getResource() != null
                && m.getResource().getName().equals("cpu"));
        assertThat(rendered.all(PodDisruptionBudget.class)).anyMatch(p -> p.getMetadata().getName().equals("gateway"));
        assertThat(pod.getTopologySpreadConstraints()).extracting(TopologySpreadConstraint::getTopologyKey)
                .contains("topology.kubernetes.io/zone", "kubernetes.io/hostname");

        List<String> preStop = c.getLifecycle().getPreStop().getExec().getCommand();
        assertThat(preStop).hasSize(2).first().isEqualTo("sleep");
        long sleep = Long.parseLong(preStop.get(1));
        long shutdown = 20; // spring.lifecycle.timeout-per-shutdown-phase in gateway's application.yml
        assertThat(pod.getTerminationGracePeriodSeconds()).as("termination grace").isGreaterThan(sleep + shutdown);

        Service public_ = rendered.get(Service.class, "gateway");
        assertThat(public_.getSpec().getPorts()).anyMatch(p -> p.getPort() == 443 && "https".equals(p.getTargetPort().getStrVal()));
        assertThat(public_.getSpec().getType()).isEqualTo(overlay.equals("prod") ? "LoadBalancer" : "ClusterIP");
        Service headless = rendered.get(Service.class, "gateway-headless");
        assertThat(headless.getSpec().getClusterIP()).isEqualTo("None");
        assertThat(containerPort(rendered.workload("gateway"), "https")).map(ContainerPort::getContainerPort).contains(8070);
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void redisIsAnAppendOnlyStatefulSetInDevAndAnExternalServiceFromTheSecretInProd(String overlay) {
        Rendered rendered = Kustomize.overlay(overlay);
        Optional<StatefulSet> redis = rendered.find(StatefulSet.class, "redis");

        if (overlay.equals("prod")) {
            assertThat(redis).isEmpty();
            assertThat(rendered.services()).noneMatch(s -> s.getMetadata().getName().equals("redis"));
            return;
        }
        assertThat(redis).isPresent();
        Container c = redis.get().getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(String.join(" ", c.getCommand())).contains("appendonly yes").contains("requirepass")
                .doesNotContain("requirepass \"$REDIS_PASSWORD\"");
        assertThat(env(c).get("REDIS_PASSWORD").getValueFrom().getSecretKeyRef().getName()).isEqualTo("bookmarks-secrets");
        assertThat(c.getVolumeMounts()).anyMatch(m -> m.getMountPath().equals("/data") && redis.get().getSpec()
                .getVolumeClaimTemplates().stream().anyMatch(t -> t.getMetadata().getName().equals(m.getName())));
        assertThat(rendered.get(Service.class, "redis").getSpec().getPorts()).anyMatch(p -> p.getPort() == 6379);
    }

    static List<Container> containers(PodSpec pod) {
        List<Container> all = new ArrayList<>(pod.getContainers());
        Optional.ofNullable(pod.getInitContainers()).ifPresent(all::addAll);
        return all;
    }

    static Container javaContainer(Workload w) {
        assertThat(w.template().getSpec().getContainers()).as(w.name() + " containers").hasSize(1);
        return w.template().getSpec().getContainers().get(0);
    }

    static Map<String, EnvVar> env(Container c) {
        Map<String, EnvVar> env = new HashMap<>();
        for (EnvVar e : Optional.ofNullable(c.getEnv()).orElse(List.of())) {
            assertThat(env.put(e.getName(), e)).as("duplicate " + e.getName() + " in " + c.getName()).isNull();
        }
        return env;
    }

    /** A container port of the workload by name or number. */
    static Optional<ContainerPort> containerPort(Workload w, String nameOrNumber) {
        return w.template().getSpec().getContainers().stream()
                .flatMap(c -> Optional.ofNullable(c.getPorts()).orElse(List.of()).stream())
                .filter(p -> nameOrNumber.equals(p.getName()) || nameOrNumber.equals(String.valueOf(p.getContainerPort())))
                .findFirst();
    }

    /** A port property's value as the container will see it: ${VAR:default}, overridden by VAR or the property's env name. */
    static int resolvePort(String value, Container c, String propertyVariable) {
        Map<String, EnvVar> env = env(c);
        Objects.requireNonNull(value);
        if (env.containsKey(propertyVariable)) {
            return Integer.parseInt(env.get(propertyVariable).getValue());
        }
        Matcher m = Pattern.compile("\\$\\{([A-Za-z_.]+):(\\d+)}").matcher(value.strip());
        if (m.matches()) {
            EnvVar override = env.get(m.group(1));
            return Integer.parseInt(override != null ? override.getValue() : m.group(2));
        }
        return Integer.parseInt(value.strip());
    }
}
