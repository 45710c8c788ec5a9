package io.jnsq.operator.reconcile;

import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.BooleanWithUndefined;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.jnsq.operator.NsqCluster;
import io.jnsq.operator.model.ClusterNames;
import io.jnsq.operator.model.TlsSecrets;

/**
 * The operator's CA and its key (spec.tls.generate): read by no one else; during a CA rotation also the previous CA.
 * Its content is what the reconciler's {@link TlsPlan} decided for this pass.
 */
@KubernetesDependent(useSSA = BooleanWithUndefined.TRUE, informer = @Informer(labelSelector = ClusterNames.MANAGED_SELECTOR))
public class CaKeySecretDependent extends OwnedDependent<Secret> {

    public CaKeySecretDependent() {
        super(Secret.class);
    }

    @Override
    String name(ClusterNames names) {
        return names.caKeySecret();
    }

    @Override
    protected Secret desired(NsqCluster cluster, Context<NsqCluster> context) {
        TlsPlan plan = context.managedWorkflowAndDependentResourceContext().getMandatory(TlsPlan.class, TlsPlan.class);
        return TlsSecrets.caKey(cluster, plan.generated().caKey());
    }
}
