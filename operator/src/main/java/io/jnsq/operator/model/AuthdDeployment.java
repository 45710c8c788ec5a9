package io.jnsq.operator.model;

import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.jnsq.operator.NsqCluster;
import io.jnsq.operator.NsqClusterSpec;
import java.util.List;

/**
 * nsq_authd (spec.auth.server): stateless replicas answering nsqd's auth queries from the user's Secret of identities,
 * mounted read-only; nsq_authd re-reads the file when the kubelet updates the mount, so an edit of the Secret needs no
 * restart.
 */
public final class AuthdDeployment {

    private AuthdDeployment() {
    }

    public static Deployment of(NsqCluster cluster) {
        NsqClusterSpec spec = cluster.getSpec();
        ClusterNames names = new ClusterNames(cluster);
        String c = ClusterNames.AUTHD;
        return new DeploymentBuilder()
                .withNewMetadata().withName(names.of(c)).withNamespace(names.namespace()).withLabels(names.labels(c)).endMetadata()
                .withNewSpec()
                .withReplicas(spec.auth.server.replicas)
                .withNewSelector().withMatchLabels(names.selector(c)).endSelector()
                .withTemplate(PodTemplates.of(spec, names, c, ComponentFlags.authd(spec), List.of(),
                        List.of(PodTemplates.port("http", ClusterNames.AUTHD_HTTP)), ClusterNames.AUTHD_HTTP, spec.auth.server.resources,
                        List.of(new VolumeMountBuilder().withName("identities").withMountPath(ComponentFlags.AUTHD_DIR).withReadOnly(true).build()),
                        30, null))
                .endSpec()
                .build();
    }
}
