package io.jnsq.operator;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import java.util.List;

/**
 * nsqd pods, each with its own volume for the disk queues and {@code nsqd.dat}, advertising its stable DNS name and
 * registered with every lookupd by DNS name; given time to flush on stop. {@code replicas} is what the operator has
 * decided (a scale-down waits for the broker's drain), not necessarily the spec's.
 */
final class NsqdStatefulSet {

    private NsqdStatefulSet() {
    }

    static StatefulSet of(NsqCluster cluster, int replicas) {
        NsqClusterSpec spec = cluster.getSpec();
        ClusterNames names = new ClusterNames(cluster);
        String c = ClusterNames.NSQD;
        PersistentVolumeClaim data = new PersistentVolumeClaimBuilder()
                .withNewMetadata().withName("data").withLabels(names.selector(c)).endMetadata()
                .withNewSpec()
                .withAccessModes("ReadWriteOnce")
                .withStorageClassName(spec.nsqd.storage.storageClassName)
                .withNewResources().addToRequests("storage", new Quantity(spec.nsqd.storage.size)).endResources()
                .endSpec()
                .build();
        String whenScaled = spec.nsqd.storage.deleteClaimsOnScaleDown ? "Delete" : "Retain";
        return new StatefulSetBuilder()
                .withNewMetadata().withName(names.of(c)).withNamespace(names.namespace()).withLabels(names.labels(c)).endMetadata()
                .withNewSpec()
                .withServiceName(names.headless(c))
                .withReplicas(replicas)
                .withPodManagementPolicy("Parallel")
                .withNewSelector().withMatchLabels(names.selector(c)).endSelector()
                .withTemplate(PodTemplates.of(spec, names, c, ComponentFlags.nsqd(spec, names),
                        List.of(PodTemplates.port("tcp", ClusterNames.NSQD_TCP), PodTemplates.port("http", ClusterNames.NSQD_HTTP)),
                        ClusterNames.NSQD_HTTP, spec.nsqd.resources,
                        List.of(new VolumeMountBuilder().withName("data").withMountPath("/data").build()),
                        spec.nsqd.terminationGracePeriodSeconds))
                .withVolumeClaimTemplates(data)
                .withNewPersistentVolumeClaimRetentionPolicy().withWhenScaled(whenScaled).withWhenDeleted("Retain")
                .endPersistentVolumeClaimRetentionPolicy()
                .endSpec()
                .build();
    }
}
