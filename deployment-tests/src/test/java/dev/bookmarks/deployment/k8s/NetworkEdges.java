package dev.bookmarks.deployment.k8s;

import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The ingress edges that the rendered NetworkPolicies allow, as (from, to, port) between components (pods'
 * app.kubernetes.io/name): {@code anywhere} for a rule with no {@code from}, {@code monitoring} for Prometheus'
 * pods in the monitoring namespace; anything else (an ipBlock, another namespace, a rule without ports) is named
 * as it is, so that it can only make the comparison with the expected edges fail.
 */
final class NetworkEdges {

    static final String ANYWHERE = "anywhere";
    static final String MONITORING = "monitoring";
    static final Map<String, String> MONITORING_NAMESPACE = Map.of("kubernetes.io/metadata.name", "monitoring");
    static final Map<String, String> PROMETHEUS_PODS = Map.of("app.kubernetes.io/name", "prometheus");

    record Edge(String from, String to, String port) implements Comparable<Edge> {

        static Edge of(String from, String to, int port) {
            return new Edge(from, to, Integer.toString(port));
        }

        @Override
        public int compareTo(Edge o) {
            return toString().compareTo(o.toString());
        }

        @Override
        public String toString() {
            return from + " -> " + to + ":" + port;
        }
    }

    private NetworkEdges() {
    }

    static Set<Edge> allowed(Rendered rendered) {
        Set<Edge> edges = new TreeSet<>();
        for (NetworkPolicy policy : rendered.networkPolicies()) {
            List<Rendered.Workload> targets = rendered.selected(policy.getSpec().getPodSelector());
            List<NetworkPolicyIngressRule> rules = policy.getSpec().getIngress();
            if (rules == null) {
                continue;
            }
            for (NetworkPolicyIngressRule rule : rules) {
                Set<String> sources = sources(rendered, rule.getFrom());
                for (Rendered.Workload target : targets) {
                    for (String port : ports(target, rule.getPorts())) {
                        for (String source : sources) {
                            edges.add(new Edge(source, target.component(), port));
                        }
                    }
                }
            }
        }
        return edges;
    }

    private static Set<String> sources(Rendered rendered, List<NetworkPolicyPeer> peers) {
        Set<String> sources = new TreeSet<>();
        if (peers == null || peers.isEmpty()) {
            sources.add(ANYWHERE);
            return sources;
        }
        for (NetworkPolicyPeer peer : peers) {
            if (peer.getIpBlock() != null) {
                sources.add("ipBlock " + peer.getIpBlock().getCidr() + " except " + peer.getIpBlock().getExcept());
            } else if (peer.getNamespaceSelector() != null) {
                LabelSelector namespaces = peer.getNamespaceSelector();
                if (Rendered.isExactly(namespaces, MONITORING_NAMESPACE)
                        && Rendered.isExactly(peer.getPodSelector(), PROMETHEUS_PODS)) {
                    sources.add(MONITORING);
                } else {
                    sources.add("namespaces " + namespaces + " pods " + peer.getPodSelector());
                }
            } else {
                List<Rendered.Workload> selected = rendered.selected(peer.getPodSelector());
                if (selected.isEmpty()) {
                    sources.add("no pod: " + peer.getPodSelector());
                }
                selected.forEach(w -> sources.add(w.component()));
            }
        }
        return sources;
    }

    private static Set<String> ports(Rendered.Workload target, List<NetworkPolicyPort> ports) {
        Set<String> numbers = new TreeSet<>();
        if (ports == null || ports.isEmpty()) {
            numbers.add("any port");
            return numbers;
        }
        for (NetworkPolicyPort port : ports) {
            String protocol = port.getProtocol() == null ? "TCP" : port.getProtocol();
            IntOrString value = port.getPort();
            String number;
            if (value == null) {
                number = "any port";
            } else if (value.getIntVal() != null) {
                number = Integer.toString(value.getIntVal());
                if (port.getEndPort() != null) {
                    number += "-" + port.getEndPort();
                }
            } else {
                number = target.template().getSpec().getContainers().stream()
                        .flatMap(c -> c.getPorts() == null ? java.util.stream.Stream.<ContainerPort>empty() : c.getPorts().stream())
                        .filter(p -> value.getStrVal().equals(p.getName()))
                        .map(p -> Integer.toString(p.getContainerPort())).findFirst()
                        .orElse("unresolved " + value.getStrVal());
            }
            numbers.add(protocol.equals("TCP") ? number : number + "/" + protocol);
        }
        return numbers;
    }
}
