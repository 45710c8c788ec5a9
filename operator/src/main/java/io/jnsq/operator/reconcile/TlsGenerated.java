package io.jnsq.operator.reconcile;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import io.jnsq.operator.NsqCluster;

/** The generated CA and certificate Secrets exist while {@code spec.tls.generate}; a reconcile precondition: false deletes them. */
public class TlsGenerated implements Condition<HasMetadata, NsqCluster> {

    @Override
    public boolean isMet(DependentResource<HasMetadata, NsqCluster> dependent, NsqCluster primary, Context<NsqCluster> context) {
        return primary.getSpec().tls != null && primary.getSpec().tls.generate != null;
    }
}
