package io.jnsq.operator.reconcile;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import io.jnsq.operator.NsqCluster;

/** The Certificate exists while {@code spec.tls.certManager}; a reconcile precondition: false deletes it. */
public class CertManagerWanted implements Condition<HasMetadata, NsqCluster> {

    @Override
    public boolean isMet(DependentResource<HasMetadata, NsqCluster> dependent, NsqCluster primary, Context<NsqCluster> context) {
        return primary.getSpec().tls != null && primary.getSpec().tls.certManager != null;
    }
}
