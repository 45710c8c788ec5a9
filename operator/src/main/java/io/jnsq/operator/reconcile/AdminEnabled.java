package io.jnsq.operator.reconcile;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import io.jnsq.operator.NsqCluster;

/**
 * nsqadmin's objects exist while {@code spec.admin.enabled}; as a reconcile precondition, a false one deletes them.
 * (An activation condition would instead leave them and stop watching their kind: the choice for kinds whose CRD may
 * be missing, such as a ServiceMonitor.)
 */
public class AdminEnabled implements Condition<HasMetadata, NsqCluster> {

    @Override
    public boolean isMet(DependentResource<HasMetadata, NsqCluster> dependent, NsqCluster primary, Context<NsqCluster> context) {
        return primary.getSpec().admin.enabled;
    }
}
