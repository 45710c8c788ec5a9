package io.jnsq.operator.reconcile;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.jnsq.operator.NsqCluster;
import io.jnsq.operator.model.AdminDeployment;
import io.jnsq.operator.model.ClusterNames;

/** nsqadmin (while spec.admin.enabled); a new CA bundle or sign-in Secret rolls it (the hash in its pod template). */
@KubernetesDependent(informer = @Informer(labelSelector = ClusterNames.MANAGED_SELECTOR))
public class AdminDeploymentDependent extends OwnedDependent<Deployment> {

    public AdminDeploymentDependent() {
        super(Deployment.class);
    }

    @Override
    String name(ClusterNames names) {
        return names.of(ClusterNames.ADMIN);
    }

    @Override
    protected Deployment desired(NsqCluster cluster, Context<NsqCluster> context) {
        var plans = context.managedWorkflowAndDependentResourceContext();
        return AdminDeployment.of(cluster, plans.getMandatory(TlsPlan.class, TlsPlan.class).certificateHash(),
                plans.getMandatory(AdminSecrets.class, AdminSecrets.class).hash());
    }
}
