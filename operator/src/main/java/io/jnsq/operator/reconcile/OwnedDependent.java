package io.jnsq.operator.reconcile;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.jnsq.operator.NsqCluster;
import io.jnsq.operator.model.ClusterNames;
import java.util.List;

/**
 * One object an NsqCluster owns, kept as {@code model/} describes it by server-side apply (field manager
 * {@value ClusterNames#FIELD_MANAGER}; JOSDK compares only the fields the operator applied, so other tools' changes to
 * other fields stay), watched by an informer on the operator's objects of its kind, and deleted with the cluster
 * (owner reference). A subclass names its object and builds it with the model.
 *
 * <p>Each subclass carries {@code @KubernetesDependent(informer = @Informer(labelSelector = MANAGED_SELECTOR))} (JOSDK
 * reads it from the concrete class), so the informers cache only what the operator made.
 */
abstract class OwnedDependent<R extends HasMetadata> extends CRUDKubernetesDependentResource<R, NsqCluster> {

    OwnedDependent(Class<R> type) {
        super(type);
    }

    /** The object's name in the cluster's namespace. */
    abstract String name(ClusterNames names);

    /**
     * The cluster as the object's controller ({@code kubectl describe} says "Controlled By"), so deleting the cluster
     * deletes it. No blockOwnerDeletion: that would need RBAC on nsqclusters/finalizers where admission enforces it.
     */
    @Override
    protected void addReferenceHandlingMetadata(R desired, NsqCluster primary) {
        desired.getMetadata().setOwnerReferences(List.of(new OwnerReferenceBuilder().withApiVersion(primary.getApiVersion())
                .withKind(primary.getKind()).withName(primary.getMetadata().getName()).withUid(primary.getMetadata().getUid())
                .withController(true).build()));
    }

    /** Picks this object among the cluster's objects of the same kind by name, without building the desired one. */
    @Override
    protected ResourceID targetSecondaryResourceID(NsqCluster primary, Context<NsqCluster> context) {
        return new ResourceID(name(new ClusterNames(primary)), primary.getMetadata().getNamespace());
    }
}
