package io.jnsq.operator;

import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import java.util.List;

/** nsqlookupd pods with stable names, started in parallel (they do not depend on each other). */
final class LookupdStatefulSet {

    private LookupdStatefulSet() {
    }

    static StatefulSet of(NsqCluster cluster) {
        NsqClusterSpec spec = cluster.getSpec();
        ClusterNames names = new ClusterNames(cluster);
        String c = ClusterNames.LOOKUPD;
        return new StatefulSetBuilder()
                .withNewMetadata().withName(names.of(c)).withNamespace(names.namespace()).withLabels(names.labels(c)).endMetadata()
                .withNewSpec()
                .withServiceName(names.headless(c))
                .withReplicas(spec.lookupd.replicas)
                .withPodManagementPolicy("Parallel")
                .withNewSelector().withMatchLabels(names.selector(c)).endSelector()
                .withTemplate(PodTemplates.of(spec, names, c, ComponentFlags.lookupd(spec, names),
                        List.of(PodTemplates.port("tcp", ClusterNames.LOOKUPD_TCP), PodTemplates.port("http", ClusterNames.LOOKUPD_HTTP)),
                        ClusterNames.LOOKUPD_HTTP, spec.lookupd.resources, List.of(), 30))
                .endSpec()
                .build();
    }
}
