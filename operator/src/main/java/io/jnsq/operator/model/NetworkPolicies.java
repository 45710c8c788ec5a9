package io.jnsq.operator.model;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRuleBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeerBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPortBuilder;
import io.jnsq.operator.NsqCluster;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Ingress NetworkPolicies (spec.networkPolicies): each component's pods admit only what an NSQ cluster uses.
 * <ul>
 * <li>nsqd: clients on TCP and HTTP (and HTTPS when the cluster has TLS); nsqadmin on HTTP (stats, actions); the
 * operator's namespace on HTTP (drain checks).</li>
 * <li>nsqlookupd: nsqd on TCP (registration) and HTTP; clients on HTTP (consumers' /lookup); nsqadmin and the
 * operator's namespace on HTTP.</li>
 * <li>nsqadmin: its users on HTTP.</li>
 * <li>nsq_authd (spec.auth.server): nsqd only, on HTTP (anyone else could try secrets against it).</li>
 * </ul>
 * Egress is not restricted (a policy on it would also have to admit DNS and whatever the user's flags point at).
 */
public final class NetworkPolicies {

    /** The namespace label Kubernetes (1.21+) sets on every namespace. */
    static final String NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

    private NetworkPolicies() {
    }

    public static NetworkPolicy nsqd(NsqCluster cluster, String operatorNamespace) {
        ClusterNames names = new ClusterNames(cluster);
        List<NetworkPolicyIngressRule> rules = new ArrayList<>();
        rules.add(rule(clients(cluster.getSpec().networkPolicies.clients), nsqdClientPorts(cluster)));
        rules.add(rule(List.of(pods(names, ClusterNames.ADMIN)), nsqdHttpPorts(cluster)));
        rules.add(rule(List.of(namespace(operatorNamespace)), List.of(ClusterNames.NSQD_HTTP)));
        return policy(names, ClusterNames.NSQD, rules);
    }

    public static NetworkPolicy lookupd(NsqCluster cluster, String operatorNamespace) {
        ClusterNames names = new ClusterNames(cluster);
        return policy(names, ClusterNames.LOOKUPD, List.of(
                rule(List.of(pods(names, ClusterNames.NSQD)), List.of(ClusterNames.LOOKUPD_TCP, ClusterNames.LOOKUPD_HTTP)),
                rule(clients(cluster.getSpec().networkPolicies.clients), List.of(ClusterNames.LOOKUPD_HTTP)),
                rule(List.of(pods(names, ClusterNames.ADMIN), namespace(operatorNamespace)), List.of(ClusterNames.LOOKUPD_HTTP))));
    }

    public static NetworkPolicy admin(NsqCluster cluster) {
        ClusterNames names = new ClusterNames(cluster);
        return policy(names, ClusterNames.ADMIN, List.of(
                rule(clients(cluster.getSpec().networkPolicies.adminClients), List.of(ClusterNames.ADMIN_HTTP))));
    }

    public static NetworkPolicy authd(NsqCluster cluster) {
        ClusterNames names = new ClusterNames(cluster);
        return policy(names, ClusterNames.AUTHD, List.of(rule(List.of(pods(names, ClusterNames.NSQD)), List.of(ClusterNames.AUTHD_HTTP))));
    }

    /** nsqd's ports for producers and consumers. */
    static List<Integer> nsqdClientPorts(NsqCluster cluster) {
        List<Integer> ports = new ArrayList<>(List.of(ClusterNames.NSQD_TCP));
        ports.addAll(nsqdHttpPorts(cluster));
        return ports;
    }

    /** nsqd's HTTP API (and its HTTPS one, once the cluster has TLS). */
    static List<Integer> nsqdHttpPorts(NsqCluster cluster) {
        return cluster.getSpec().tls == null ? List.of(ClusterNames.NSQD_HTTP) : List.of(ClusterNames.NSQD_HTTP, ClusterNames.NSQD_HTTPS);
    }

    /** The user's peers, or every pod of the cluster's namespace when none is named. */
    private static List<NetworkPolicyPeer> clients(List<NetworkPolicyPeer> named) {
        return named == null || named.isEmpty() ? List.of(new NetworkPolicyPeerBuilder().withNewPodSelector().endPodSelector().build()) : named;
    }

    private static NetworkPolicyPeer pods(ClusterNames names, String component) {
        return new NetworkPolicyPeerBuilder().withNewPodSelector().withMatchLabels(names.selector(component)).endPodSelector().build();
    }

    private static NetworkPolicyPeer namespace(String namespace) {
        return new NetworkPolicyPeerBuilder().withNewNamespaceSelector().withMatchLabels(Map.of(NAMESPACE_NAME_LABEL, namespace))
                .endNamespaceSelector().build();
    }

    private static NetworkPolicyIngressRule rule(List<NetworkPolicyPeer> from, List<Integer> ports) {
        List<NetworkPolicyPort> p = ports.stream()
                .map(port -> new NetworkPolicyPortBuilder().withProtocol("TCP").withPort(new IntOrString(port)).build()).toList();
        return new NetworkPolicyIngressRuleBuilder().withFrom(from).withPorts(p).build();
    }

    private static NetworkPolicy policy(ClusterNames names, String component, List<NetworkPolicyIngressRule> rules) {
        return new NetworkPolicyBuilder()
                .withNewMetadata().withName(names.of(component)).withNamespace(names.namespace()).withLabels(names.labels(component))
                .endMetadata()
                .withNewSpec().withNewPodSelector().withMatchLabels(names.selector(component)).endPodSelector()
                .withPolicyTypes("Ingress").withIngress(rules).endSpec()
                .build();
    }
}
