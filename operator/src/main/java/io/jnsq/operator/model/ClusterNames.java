package io.jnsq.operator.model;

import io.jnsq.operator.NsqCluster;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Names, labels and annotations of everything the operator makes for one NsqCluster, in one place, and the stable DNS
 * names clients and brokers use (pod.headless-service.namespace.svc).
 */
public final class ClusterNames {

    public static final String PAUSE_ANNOTATION = "jnsq.io/pause-reconciliation";
    public static final String CONFIG_HASH_ANNOTATION = "jnsq.io/config-hash";
    public static final String MANAGED_BY = "jnsq-operator";
    /** What the operator's informers select: only objects it made, not every Service or StatefulSet in the cluster. */
    public static final String MANAGED_SELECTOR = "app.kubernetes.io/managed-by=" + MANAGED_BY;
    /** The field manager of everything the operator applies (server-side apply). */
    public static final String FIELD_MANAGER = "jnsq-operator";

    public static final String NSQD = "nsqd";
    public static final String LOOKUPD = "nsqlookupd";
    public static final String ADMIN = "nsqadmin";
    /** nsq_authd (spec.auth.server); its image is <image>-authd. */
    public static final String AUTHD = "authd";

    public static final int NSQD_TCP = 4150;
    public static final int NSQD_HTTP = 4151;
    public static final int NSQD_HTTPS = 4152;
    public static final int LOOKUPD_TCP = 4160;
    public static final int LOOKUPD_HTTP = 4161;
    public static final int ADMIN_HTTP = 4171;
    public static final int AUTHD_HTTP = 4181;

    private final String cluster;
    private final String namespace;

    public ClusterNames(NsqCluster c) {
        this(c.getMetadata().getName(), c.getMetadata().getNamespace());
    }

    public ClusterNames(String cluster, String namespace) {
        this.cluster = cluster;
        this.namespace = namespace;
    }

    public String cluster() {
        return cluster;
    }

    public String namespace() {
        return namespace;
    }

    /** The StatefulSet, Deployment, client Service and PDB name of a component: {@code <cluster>-nsqd}. */
    public String of(String component) {
        return cluster + "-" + component;
    }

    /** The ServiceMonitor that has Prometheus scrape the cluster's nsqd and nsqlookupd pods. */
    public String serviceMonitor() {
        return cluster + "-metrics";
    }

    /** The PrometheusRule with the alerts on the cluster's series. */
    public String prometheusRule() {
        return cluster + "-alerts";
    }

    /** The Secret with the operator's own CA certificate and key (spec.tls.generate): the operator's alone. */
    public String caKeySecret() {
        return cluster + "-ca-key";
    }

    /** The Secret clients read the CA bundle from (ca.crt) when the operator generates the certificates. */
    public String caSecret() {
        return cluster + "-ca";
    }

    /** The Secret with the server certificate the operator generates or asks cert-manager for (tls.crt, tls.key, ca.crt). */
    public String tlsSecret() {
        return cluster + "-tls";
    }

    /** The cert-manager Certificate (spec.tls.certManager). */
    public String certificate() {
        return cluster + "-tls";
    }

    /**
     * The Secret cert-manager writes for the Certificate: not {@link #tlsSecret()}, so that switching spec.tls from
     * generate to certManager never has the operator delete cert-manager's Secret as its own.
     */
    public String certManagerSecret() {
        return cluster + "-cert-manager-tls";
    }

    /**
     * The DNS names a server certificate for the cluster names: every Service, short and qualified, and every pod of
     * the headless Services by wildcard (so that scaling does not need a new certificate).
     */
    public List<String> dnsNames() {
        List<String> dns = new ArrayList<>();
        for (String service : List.of(headless(NSQD), of(LOOKUPD), headless(LOOKUPD), of(ADMIN))) {
            dns.add(service);
            dns.add(service + "." + namespace);
            dns.add(service + "." + namespace + ".svc");
            dns.add(service + "." + namespace + ".svc.cluster.local");
            if (service.endsWith("-headless")) {
                dns.add("*." + service + "." + namespace + ".svc");
                dns.add("*." + service + "." + namespace + ".svc.cluster.local");
            }
        }
        return dns;
    }

    /** The ConfigMap holding every component's flags. */
    public String flags() {
        return cluster + "-flags";
    }

    /** The volume claim of nsqd pod {@code ordinal} (the StatefulSet's claim template is called data). */
    public String nsqdClaim(int ordinal) {
        return "data-" + podName(NSQD, ordinal);
    }

    /** The headless Service that gives a component's pods their DNS names. */
    public String headless(String component) {
        return of(component) + "-headless";
    }

    /** A pod's stable DNS name: {@code <cluster>-nsqd-2.<cluster>-nsqd-headless.<ns>.svc}. */
    public String podHost(String component, int ordinal) {
        return of(component) + "-" + ordinal + "." + headless(component) + "." + namespace + ".svc";
    }

    public String podName(String component, int ordinal) {
        return of(component) + "-" + ordinal;
    }

    /** What selects a component's pods. */
    public Map<String, String> selector(String component) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("app.kubernetes.io/name", component);
        m.put("app.kubernetes.io/instance", cluster);
        return m;
    }

    /** Every label the operator puts on a component's objects and pods. */
    public Map<String, String> labels(String component) {
        Map<String, String> m = selector(component);
        m.put("app.kubernetes.io/component", switch (component) {
            case ADMIN -> "console";
            case NSQD -> "broker";
            case AUTHD -> "auth";
            default -> "discovery";
        });
        m.put("app.kubernetes.io/part-of", "jnsq");
        m.put("app.kubernetes.io/managed-by", MANAGED_BY);
        return m;
    }

    /** The labels of objects that belong to the whole cluster rather than one component (the flags ConfigMap). */
    public Map<String, String> clusterLabels() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("app.kubernetes.io/name", "jnsq");
        m.put("app.kubernetes.io/instance", cluster);
        m.put("app.kubernetes.io/part-of", "jnsq");
        m.put("app.kubernetes.io/managed-by", MANAGED_BY);
        return m;
    }

    /** The selector as the scale subresource reports it. */
    public String selectorString(String component) {
        StringBuilder sb = new StringBuilder();
        selector(component).forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ",").append(k).append('=').append(v));
        return sb.toString();
    }
}
