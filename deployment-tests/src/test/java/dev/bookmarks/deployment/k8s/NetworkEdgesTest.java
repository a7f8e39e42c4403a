package dev.bookmarks.deployment.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bookmarks.deployment.k8s.NetworkEdges.Edge;
import org.junit.jupiter.api.Test;

/** The edge computation the NetworkPolicy tests rely on, on small hand-written policies. */
class NetworkEdgesTest {

    private static final String PODS = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: a}
            spec:
              selector: {matchLabels: {app.kubernetes.io/name: a}}
              template:
                metadata: {labels: {app.kubernetes.io/name: a}}
                spec:
                  containers: [{name: a, image: a:1, ports: [{name: web, containerPort: 8000}]}]
            ---
            apiVersion: apps/v1
            kind: StatefulSet
            metadata: {name: b}
            spec:
              serviceName: b
              selector: {matchLabels: {app.kubernetes.io/name: b}}
              template:
                metadata: {labels: {app.kubernetes.io/name: b}}
                spec:
                  containers: [{name: b, image: b:1}]
            ---
            """;

    @Test
    void aDefaultDenyAllowsNothing() {
        Rendered rendered = Kustomize.parse(PODS + """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: deny}
                spec: {podSelector: {}, policyTypes: [Ingress]}
                """);

        assertThat(NetworkEdges.allowed(rendered)).isEmpty();
    }

    @Test
    void peersPortsAndNamedPortsBecomeOneEdgeEach() {
        Rendered rendered = Kustomize.parse(PODS + """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: a}
                spec:
                  podSelector: {matchLabels: {app.kubernetes.io/name: a}}
                  policyTypes: [Ingress]
                  ingress:
                    - ports: [{port: web}]
                    - from:
                        - podSelector: {matchLabels: {app.kubernetes.io/name: b}}
                        - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: monitoring}}
                          podSelector: {matchLabels: {app.kubernetes.io/name: prometheus}}
                      ports: [{port: 9000}, {port: 9001, protocol: UDP}]
                """);

        assertThat(NetworkEdges.allowed(rendered)).containsExactlyInAnyOrder(
                Edge.of("anywhere", "a", 8000),
                Edge.of("b", "a", 9000), new Edge("b", "a", "9001/UDP"),
                Edge.of("monitoring", "a", 9000), new Edge("monitoring", "a", "9001/UDP"));
    }

    @Test
    void aRuleWithoutPortsOrWithAnotherNamespaceShowsAsAnEdgeNoExpectationContains() {
        Rendered rendered = Kustomize.parse(PODS + """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: b}
                spec:
                  podSelector: {matchLabels: {app.kubernetes.io/name: b}}
                  ingress:
                    - from: [{namespaceSelector: {}}]
                    - from: [{ipBlock: {cidr: 10.0.0.0/8}}]
                      ports: [{port: 1}]
                """);

        assertThat(NetworkEdges.allowed(rendered)).extracting(Edge::toString).anyMatch(e -> e.endsWith("b:any port"))
                .anyMatch(e -> e.startsWith("ipBlock 10.0.0.0/8")).hasSize(2);
    }
}
