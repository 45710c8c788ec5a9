package io.jnsq.operator.reconcile;

import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.jnsq.operator.NsqCluster;
import io.jnsq.operator.model.ClusterNames;
import io.jnsq.operator.model.NetworkPolicies;

/** Only nsqd may ask nsq_authd (while spec.networkPolicies.enabled and spec.auth.server). */
@KubernetesDependent(informer = @Informer(labelSelector = ClusterNames.MANAGED_SELECTOR))
public class AuthdNetworkPolicyDependent extends OwnedDependent<NetworkPolicy> {

    public AuthdNetworkPolicyDependent() {
        super(NetworkPolicy.class);
    }

    @Override
    String name(ClusterNames names) {
        return names.of(ClusterNames.AUTHD);
    }

    @Override
    protected NetworkPolicy desired(NsqCluster cluster, Context<NsqCluster> context) {
        return NetworkPolicies.authd(cluster);
    }
}
