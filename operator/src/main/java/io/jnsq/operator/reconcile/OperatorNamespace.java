package io.jnsq.operator.reconcile;

import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.jnsq.operator.NsqCluster;

/**
 * The namespace the operator runs in (config {@code jnsq.operator.namespace}), put in the workflow's context by the
 * reconciler: the NetworkPolicies admit it to the brokers' HTTP ports for drain and registration checks.
 */
record OperatorNamespace(String name) {

    static String of(Context<NsqCluster> context) {
        return context.managedWorkflowAndDependentResourceContext().getMandatory(OperatorNamespace.class, OperatorNamespace.class).name();
    }
}
