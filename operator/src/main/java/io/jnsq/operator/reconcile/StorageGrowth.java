package io.jnsq.operator.reconcile;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.jnsq.operator.NsqCluster;
import io.jnsq.operator.drain.ScaleDown.Notice;
import io.jnsq.operator.model.ClusterNames;
import io.jnsq.operator.model.NsqdClaim;
import java.util.Optional;

/**
 * A change of {@code spec.nsqd.storage} against the nsqd StatefulSet, whose claim template cannot change in place.
 * A larger size grows every broker's claim where the storage class allows expansion, then re-creates the StatefulSet
 * with the new template: deleted with its pods orphaned (they keep running and are adopted by the new one), created
 * again once gone. A smaller size, another storage class, or a class that cannot expand is refused with a condition,
 * and the StatefulSet keeps the template it has, so nothing else waits on it.
 */
public class StorageGrowth {

    /**
     * The claim template the nsqd StatefulSet keeps for now; whether it is being re-created (nothing may be applied to
     * it until it is gone); why a change was refused; what to tell the user.
     */
    public record Outcome(NsqdClaim claim, boolean recreating, Optional<String> refused, Optional<Notice> notice) {
    }

    private static final String DEFAULT_CLASS = "storageclass.kubernetes.io/is-default-class";

    private final KubernetesClient client;

    public StorageGrowth(KubernetesClient client) {
        this.client = client;
    }

    public Outcome plan(NsqCluster cluster, StatefulSet existing) {
        NsqdClaim wanted = NsqdClaim.of(cluster.getSpec());
        Optional<NsqdClaim> had = NsqdClaim.of(existing);
        if (had.isEmpty()) {
            return new Outcome(wanted, false, Optional.empty(), Optional.empty());
        }
        NsqdClaim current = had.get();
        if (existing.isMarkedForDeletion()) {
            return new Outcome(current, true, Optional.empty(), Optional.empty());
        }
        if (!current.sameClassAs(wanted)) {
            return refused(current, "spec.nsqd.storage.storageClassName cannot change for existing brokers (their claims are of class "
                    + current.storageClassName() + ")");
        }
        long want = wanted.bytes();
        long have = current.bytes();
        if (want == have) {
            return new Outcome(current, false, Optional.empty(), Optional.empty());
        }
        if (want < have) {
            return refused(current, "spec.nsqd.storage.size " + wanted.size() + " is smaller than the brokers' volumes ("
                    + current.size() + "): volumes cannot shrink");
        }
        ClusterNames names = new ClusterNames(cluster);
        StorageClass storageClass = storageClass(current.storageClassName());
        if (storageClass == null || !Boolean.TRUE.equals(storageClass.getAllowVolumeExpansion())) {
            return refused(current, "storage class " + (storageClass == null ? "(none)" : storageClass.getMetadata().getName())
                    + " does not allow volume expansion: the brokers keep " + current.size() + " volumes");
        }
        int expanded = 0;
        for (PersistentVolumeClaim claim : client.persistentVolumeClaims().inNamespace(names.namespace())
                .withLabels(names.selector(ClusterNames.NSQD)).list().getItems()) {
            Quantity q = claim.getSpec().getResources().getRequests().get("storage");
            if (claim.getMetadata().getName().startsWith("data-" + names.of(ClusterNames.NSQD) + "-")
                    && (q == null || Quantity.getAmountInBytes(q).longValueExact() < want)) {
                client.persistentVolumeClaims().inNamespace(names.namespace()).withName(claim.getMetadata().getName())
                        .patch(PatchContext.of(PatchType.JSON_MERGE),
                                "{\"spec\":{\"resources\":{\"requests\":{\"storage\":\"" + wanted.size() + "\"}}}}");
                expanded++;
            }
        }
        client.apps().statefulSets().inNamespace(names.namespace()).withName(existing.getMetadata().getName())
                .withPropagationPolicy(DeletionPropagation.ORPHAN).delete();
        return new Outcome(current, true, Optional.empty(), Optional.of(new Notice(false, "ExpandingVolumes", "nsqd volumes grow from "
                + current.size() + " to " + wanted.size() + ": " + expanded + " claims expanded; the StatefulSet is re-created with the"
                + " new claim template, its pods keep running")));
    }

    private static Outcome refused(NsqdClaim current, String why) {
        return new Outcome(current, false, Optional.of(why), Optional.empty());
    }

    private StorageClass storageClass(String name) {
        if (name != null) {
            return client.storage().v1().storageClasses().withName(name).get();
        }
        return client.storage().v1().storageClasses().list().getItems().stream()
                .filter(c -> c.getMetadata().getAnnotations() != null && "true".equals(c.getMetadata().getAnnotations().get(DEFAULT_CLASS)))
                .findFirst().orElse(null);
    }
}
