package io.jnsq.operator.model;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.jnsq.operator.NsqCluster;
import io.jnsq.operator.NsqClusterSpec;
import java.util.List;

/**
 * nsqd pods, each with its own volume for the disk queues and {@code nsqd.dat}, advertising its stable DNS name and
 * registered with every lookupd by DNS name; given time to flush on stop. Updates roll one broker at a time: the
 * operator moves the partition down a broker once the previous is ready and registered again with every lookupd.
 * {@code replicas} is what the scale-down has decided (a leaving broker is drained first), not necessarily the spec's;
 * {@code claim} is the volume the StatefulSet was created with (its claim template cannot change in place);
 * {@code partition} is where a rolling restart stands (pods from it up run the new template).
 */
public final class NsqdStatefulSet {

    static final int MIN_READY_SECONDS = 10;

    private NsqdStatefulSet() {
    }

    public static StatefulSet of(NsqCluster cluster, int replicas, NsqdClaim claim, int partition) {
        return of(cluster, replicas, claim, partition, null);
    }

    /** {@code certificateHash}: of the TLS Secret's content the brokers run with (a new one rolls them); null for none. */
    public static StatefulSet of(NsqCluster cluster, int replicas, NsqdClaim claim, int partition, String certificateHash) {
        NsqClusterSpec spec = cluster.getSpec();
        ClusterNames names = new ClusterNames(cluster);
        String c = ClusterNames.NSQD;
        PersistentVolumeClaim data = new PersistentVolumeClaimBuilder()
                .withNewMetadata().withName("data").withLabels(names.selector(c)).endMetadata()
                .withNewSpec()
                .withAccessModes("ReadWriteOnce")
                .withStorageClassName(claim.storageClassName())
                .withNewResources().addToRequests("storage", new Quantity(claim.size())).endResources()
                .endSpec()
                .build();
        StatefulSetBuilder builder = new StatefulSetBuilder()
                .withNewMetadata().withName(names.of(c)).withNamespace(names.namespace()).withLabels(names.labels(c)).endMetadata()
                .withNewSpec()
                .withServiceName(names.headless(c))
                .withReplicas(replicas)
                .withPodManagementPolicy("Parallel")
                .withMinReadySeconds(MIN_READY_SECONDS)
                .withNewUpdateStrategy().withType("RollingUpdate").withNewRollingUpdate().withPartition(partition).endRollingUpdate()
                .endUpdateStrategy()
                .withNewSelector().withMatchLabels(names.selector(c)).endSelector()
                .withTemplate(PodTemplates.of(spec, names, c, ComponentFlags.nsqd(spec, names),
                        List.of(ComponentFlags.broadcastAddress(names, c)),
                        spec.tls == null
                                ? List.of(PodTemplates.port("tcp", ClusterNames.NSQD_TCP), PodTemplates.port("http", ClusterNames.NSQD_HTTP))
                                : List.of(PodTemplates.port("tcp", ClusterNames.NSQD_TCP), PodTemplates.port("http", ClusterNames.NSQD_HTTP),
                                        PodTemplates.port("https", ClusterNames.NSQD_HTTPS)),
                        ClusterNames.NSQD_HTTP, spec.nsqd.resources,
                        List.of(new VolumeMountBuilder().withName("data").withMountPath("/data").build()),
                        spec.nsqd.terminationGracePeriodSeconds, certificateHash))
                .withVolumeClaimTemplates(data)
                .endSpec();
        // Retain is Kubernetes' default; the policy is only sent when it differs, since API servers before 1.27 drop
        // the field (alpha) and an operator that keeps sending it would never see its StatefulSet match
        if (spec.nsqd.storage.deleteClaimsOnScaleDown) {
            builder.editSpec().withNewPersistentVolumeClaimRetentionPolicy().withWhenScaled("Delete").withWhenDeleted("Retain")
                    .endPersistentVolumeClaimRetentionPolicy().endSpec();
        }
        return builder.build();
    }
}
