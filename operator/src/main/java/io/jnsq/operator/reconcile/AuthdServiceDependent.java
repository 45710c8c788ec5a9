package io.jnsq.operator.reconcile;

import io.fabric8.kubernetes.api.model.Service;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.jnsq.operator.NsqCluster;
import io.jnsq.operator.model.ClusterNames;
import io.jnsq.operator.model.ClusterServices;

/** nsq_authd's Service (while spec.auth.server). */
@KubernetesDependent(informer = @Informer(labelSelector = ClusterNames.MANAGED_SELECTOR))
public class AuthdServiceDependent extends OwnedDependent<Service> {

    public AuthdServiceDependent() {
        super(Service.class);
    }

    @Override
    String name(ClusterNames names) {
        return names.of(ClusterNames.AUTHD);
    }

    @Override
    protected Service desired(NsqCluster cluster, Context<NsqCluster> context) {
        return ClusterServices.authd(cluster);
    }
}
