package io.jnsq.operator.model;

import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.jnsq.operator.NsqCluster;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The ServiceMonitor of a cluster ({@code spec.monitoring.serviceMonitor}): Prometheus scrapes {@code /metrics} on the
 * {@code http} port of every nsqd and nsqlookupd pod, through their headless Services (lookupd's client Service selects
 * the same pods, so it is left out by name: each pod is scraped once).
 */
public final class ClusterServiceMonitor {

    private ClusterServiceMonitor() {
    }

    public static ServiceMonitor of(NsqCluster cluster) {
        ClusterNames names = new ClusterNames(cluster);
        var monitoring = cluster.getSpec().monitoring;
        Map<String, String> labels = new LinkedHashMap<>(monitoring.labels);
        labels.putAll(names.clusterLabels());
        ServiceMonitor m = new ServiceMonitor();
        m.setMetadata(new ObjectMetaBuilder().withName(names.serviceMonitor()).withNamespace(names.namespace()).withLabels(labels).build());
        ServiceMonitor.Spec spec = new ServiceMonitor.Spec();
        spec.selector = new LabelSelectorBuilder()
                .addToMatchLabels("app.kubernetes.io/instance", names.cluster())
                .addToMatchLabels("app.kubernetes.io/managed-by", ClusterNames.MANAGED_BY)
                .addNewMatchExpression().withKey("app.kubernetes.io/name").withOperator("In")
                .withValues(ClusterNames.NSQD, ClusterNames.LOOKUPD).endMatchExpression()
                .build();
        spec.namespaceSelector = new ServiceMonitor.NamespaceSelector();
        spec.namespaceSelector.matchNames = List.of(names.namespace());
        ServiceMonitor.Endpoint endpoint = new ServiceMonitor.Endpoint();
        endpoint.port = "http";
        endpoint.path = "/metrics";
        endpoint.interval = monitoring.interval;
        ServiceMonitor.Relabeling headlessOnly = new ServiceMonitor.Relabeling();
        headlessOnly.sourceLabels = List.of("__meta_kubernetes_service_name");
        headlessOnly.regex = ".*-headless";
        headlessOnly.action = "keep";
        endpoint.relabelings = List.of(headlessOnly);
        spec.endpoints = List.of(endpoint);
        m.setSpec(spec);
        return m;
    }
}
