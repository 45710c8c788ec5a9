package io.jnsq.operator.reconcile;

import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.jnsq.operator.NsqCluster;
import io.jnsq.operator.model.ClusterNames;
import io.jnsq.operator.model.NetworkPolicies;

/** What may reach the lookupd pods (while spec.networkPolicies.enabled). */
@KubernetesDependent(informer = @Informer(labelSelector = ClusterNames.MANAGED_SELECTOR))
public class LookupdNetworkPolicyDependent extends OwnedDependent<NetworkPolicy> {

    public LookupdNetworkPolicyDependent() {
        super(NetworkPolicy.class);
    }

    @Override
    String name(ClusterNames names) {
        return names.of(ClusterNames.LOOKUPD);
    }

    @Override
    protected NetworkPolicy desired(NsqCluster cluster, Context<NsqCluster> context) {
        return NetworkPolicies.lookupd(cluster, OperatorNamespace.of(context));
    }
}
