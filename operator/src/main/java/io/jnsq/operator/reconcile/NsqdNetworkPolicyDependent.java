package io.jnsq.operator.reconcile;

import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.jnsq.operator.NsqCluster;
import io.jnsq.operator.model.ClusterNames;
import io.jnsq.operator.model.NetworkPolicies;

/** What may reach the nsqd pods (while spec.networkPolicies.enabled). */
@KubernetesDependent(informer = @Informer(labelSelector = ClusterNames.MANAGED_SELECTOR))
public class NsqdNetworkPolicyDependent extends OwnedDependent<NetworkPolicy> {

    public NsqdNetworkPolicyDependent() {
        super(NetworkPolicy.class);
    }

    @Override
    String name(ClusterNames names) {
        return names.of(ClusterNames.NSQD);
    }

    @Override
    protected NetworkPolicy desired(NsqCluster cluster, Context<NsqCluster> context) {
        return NetworkPolicies.nsqd(cluster, OperatorNamespace.of(context));
    }
}
