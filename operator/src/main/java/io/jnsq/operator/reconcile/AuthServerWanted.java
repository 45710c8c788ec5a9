package io.jnsq.operator.reconcile;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import io.jnsq.operator.NsqCluster;

/** nsq_authd's objects exist while {@code spec.auth.server}; a reconcile precondition: false deletes them. */
public class AuthServerWanted implements Condition<HasMetadata, NsqCluster> {

    @Override
    public boolean isMet(DependentResource<HasMetadata, NsqCluster> dependent, NsqCluster primary, Context<NsqCluster> context) {
        return primary.getSpec().auth != null && primary.getSpec().auth.server != null;
    }
}
