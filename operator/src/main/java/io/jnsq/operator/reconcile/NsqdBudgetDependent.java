package io.jnsq.operator.reconcile;

import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.jnsq.operator.NsqCluster;
import io.jnsq.operator.model.ClusterNames;
import io.jnsq.operator.model.DisruptionBudgets;

/** At most one nsqd away at a time. */
@KubernetesDependent(informer = @Informer(labelSelector = ClusterNames.MANAGED_SELECTOR))
public class NsqdBudgetDependent extends OwnedDependent<PodDisruptionBudget> {

    public NsqdBudgetDependent() {
        super(PodDisruptionBudget.class);
    }

    @Override
    String name(ClusterNames names) {
        return names.of(ClusterNames.NSQD);
    }

    @Override
    protected PodDisruptionBudget desired(NsqCluster cluster, Context<NsqCluster> context) {
        return DisruptionBudgets.nsqd(cluster);
    }
}
