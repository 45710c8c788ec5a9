package io.jnsq.operator.model;

import io.jnsq.operator.NsqCluster;
import java.util.LinkedHashMap;
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

    public static final int NSQD_TCP = 4150;
    public static final int NSQD_HTTP = 4151;
    public static final int NSQD_HTTPS = 4152;
    public static final int LOOKUPD_TCP = 4160;
    public static final int LOOKUPD_HTTP = 4161;
    public static final int ADMIN_HTTP = 4171;

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
        m.put("app.kubernetes.io/component", component.equals(ADMIN) ? "console" : component.equals(NSQD) ? "broker" : "discovery");
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
