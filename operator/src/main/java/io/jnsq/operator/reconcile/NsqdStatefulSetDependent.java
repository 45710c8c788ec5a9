package io.jnsq.operator.reconcile;

import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.jnsq.operator.NsqCluster;
import io.jnsq.operator.model.ClusterNames;
import io.jnsq.operator.model.NsqdClaim;
import io.jnsq.operator.model.NsqdStatefulSet;

/**
 * The nsqd pods, at the size the scale-down has decided, with the volume claim template the StatefulSet can keep and
 * the partition of a rolling restart, the hash of the certificate the brokers run with (put in the context by the reconciler as an {@link NsqdPlan} before the workflow
 * runs).
 */
@KubernetesDependent(informer = @Informer(labelSelector = ClusterNames.MANAGED_SELECTOR))
public class NsqdStatefulSetDependent extends OwnedDependent<StatefulSet> {

    /** What the reconciler decided for this pass. */
    public record NsqdPlan(int replicas, NsqdClaim claim, int partition, String certificateHash) {
    }

    public NsqdStatefulSetDependent() {
        super(StatefulSet.class);
    }

    @Override
    String name(ClusterNames names) {
        return names.of(ClusterNames.NSQD);
    }

    @Override
    protected StatefulSet desired(NsqCluster cluster, Context<NsqCluster> context) {
        NsqdPlan plan = context.managedWorkflowAndDependentResourceContext().getMandatory(NsqdPlan.class, NsqdPlan.class);
        return NsqdStatefulSet.of(cluster, plan.replicas(), plan.claim(), plan.partition(), plan.certificateHash());
    }
}
