package io.jnsq.operator.reconcile;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.jnsq.operator.NsqCluster;
import io.jnsq.operator.model.AuthdDeployment;
import io.jnsq.operator.model.ClusterNames;

/** nsq_authd (while spec.auth.server). */
@KubernetesDependent(informer = @Informer(labelSelector = ClusterNames.MANAGED_SELECTOR))
public class AuthdDeploymentDependent extends OwnedDependent<Deployment> {

    public AuthdDeploymentDependent() {
        super(Deployment.class);
    }

    @Override
    String name(ClusterNames names) {
        return names.of(ClusterNames.AUTHD);
    }

    @Override
    protected Deployment desired(NsqCluster cluster, Context<NsqCluster> context) {
        return AuthdDeployment.of(cluster);
    }
}
