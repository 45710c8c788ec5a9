package io.jnsq.operator.model;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.jnsq.operator.NsqCluster;
import io.jnsq.operator.NsqClusterSpec;
import java.util.List;

/** nsqadmin, stateless, pointed at every lookupd by DNS name. */
public final class AdminDeployment {

    private AdminDeployment() {
    }

    public static Deployment of(NsqCluster cluster) {
        return of(cluster, null);
    }

    /** {@code certificateHash}: of the TLS Secret's content (a new CA bundle rolls nsqadmin); null for none. */
    public static Deployment of(NsqCluster cluster, String certificateHash) {
        NsqClusterSpec spec = cluster.getSpec();
        ClusterNames names = new ClusterNames(cluster);
        String c = ClusterNames.ADMIN;
        return new DeploymentBuilder()
                .withNewMetadata().withName(names.of(c)).withNamespace(names.namespace()).withLabels(names.labels(c)).endMetadata()
                .withNewSpec()
                .withReplicas(spec.admin.replicas)
                .withNewSelector().withMatchLabels(names.selector(c)).endSelector()
                .withTemplate(PodTemplates.of(spec, names, c, ComponentFlags.admin(spec, names), List.of(),
                        List.of(PodTemplates.port("http", ClusterNames.ADMIN_HTTP)), ClusterNames.ADMIN_HTTP,
                        spec.admin.resources, List.of(), 30, certificateHash))
                .endSpec()
                .build();
    }
}
