package io.jnsq.operator.reconcile;

import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.jnsq.operator.NsqCluster;
import io.jnsq.operator.model.ClusterNames;
import io.jnsq.operator.model.NetworkPolicies;

/** Who may open nsqadmin (while spec.networkPolicies.enabled and spec.admin.enabled). */
@KubernetesDependent(informer = @Informer(labelSelector = ClusterNames.MANAGED_SELECTOR))
public class AdminNetworkPolicyDependent extends OwnedDependent<NetworkPolicy> {

    public AdminNetworkPolicyDependent() {
        super(NetworkPolicy.class);
    }

    @Override
    String name(ClusterNames names) {
        return names.of(ClusterNames.ADMIN);
    }

    @Override
    protected NetworkPolicy desired(NsqCluster cluster, Context<NsqCluster> context) {
        return NetworkPolicies.admin(cluster);
    }
}
