package io.jnsq.operator.model;

import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.jnsq.operator.NsqCluster;
import io.jnsq.operator.NsqClusterSpec;
import java.util.List;

/** nsqlookupd pods with stable names, started in parallel (they do not depend on each other). */
public final class LookupdStatefulSet {

    private LookupdStatefulSet() {
    }

    public static StatefulSet of(NsqCluster cluster) {
        NsqClusterSpec spec = cluster.getSpec();
        ClusterNames names = new ClusterNames(cluster);
        String c = ClusterNames.LOOKUPD;
        return new StatefulSetBuilder()
                .withNewMetadata().withName(names.of(c)).withNamespace(names.namespace()).withLabels(names.labels(c)).endMetadata()
                .withNewSpec()
                .withServiceName(names.headless(c))
                .withReplicas(spec.lookupd.replicas)
                .withPodManagementPolicy("Parallel")
                .withNewUpdateStrategy().withType("RollingUpdate").endUpdateStrategy()
                .withNewSelector().withMatchLabels(names.selector(c)).endSelector()
                .withTemplate(PodTemplates.of(spec, names, c, ComponentFlags.lookupd(spec, names),
                        List.of(ComponentFlags.broadcastAddress(names, c)),
                        List.of(PodTemplates.port("tcp", ClusterNames.LOOKUPD_TCP), PodTemplates.port("http", ClusterNames.LOOKUPD_HTTP)),
                        ClusterNames.LOOKUPD_HTTP, spec.lookupd.resources, List.of(), 30, null))
                .endSpec()
                .build();
    }
}
