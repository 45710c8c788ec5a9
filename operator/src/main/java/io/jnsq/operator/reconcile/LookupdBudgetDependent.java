package io.jnsq.operator.reconcile;

import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.jnsq.operator.NsqCluster;
import io.jnsq.operator.model.ClusterNames;
import io.jnsq.operator.model.DisruptionBudgets;

/** At most one lookupd away at a time. */
@KubernetesDependent(informer = @Informer(labelSelector = ClusterNames.MANAGED_SELECTOR))
public class LookupdBudgetDependent extends OwnedDependent<PodDisruptionBudget> {

    public LookupdBudgetDependent() {
        super(PodDisruptionBudget.class);
    }

    @Override
    String name(ClusterNames names) {
        return names.of(ClusterNames.LOOKUPD);
    }

    @Override
    protected PodDisruptionBudget desired(NsqCluster cluster, Context<NsqCluster> context) {
        return DisruptionBudgets.lookupd(cluster);
    }
}
