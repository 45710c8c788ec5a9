package io.jnsq.operator.reconcile;

import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.jnsq.operator.NsqCluster;
import io.jnsq.operator.model.ClusterNames;
import io.jnsq.operator.model.LookupdStatefulSet;

/** The nsqlookupd pods. */
@KubernetesDependent(informer = @Informer(labelSelector = ClusterNames.MANAGED_SELECTOR))
public class LookupdStatefulSetDependent extends OwnedDependent<StatefulSet> {

    public LookupdStatefulSetDependent() {
        super(StatefulSet.class);
    }

    @Override
    String name(ClusterNames names) {
        return names.of(ClusterNames.LOOKUPD);
    }

    @Override
    protected StatefulSet desired(NsqCluster cluster, Context<NsqCluster> context) {
        return LookupdStatefulSet.of(cluster);
    }
}
