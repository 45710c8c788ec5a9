package io.jnsq.operator.reconcile;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import io.jnsq.operator.NsqCluster;

/** The NetworkPolicies exist while {@code spec.networkPolicies.enabled}; a reconcile precondition: false deletes them. */
public class NetworkPoliciesEnabled implements Condition<HasMetadata, NsqCluster> {

    @Override
    public boolean isMet(DependentResource<HasMetadata, NsqCluster> dependent, NsqCluster primary, Context<NsqCluster> context) {
        return primary.getSpec().networkPolicies != null && primary.getSpec().networkPolicies.enabled;
    }

    /** nsq_authd's policy: the policies switched on and an nsq_authd run by the operator. */
    public static class ForAuthd implements Condition<HasMetadata, NsqCluster> {

        @Override
        public boolean isMet(DependentResource<HasMetadata, NsqCluster> dependent, NsqCluster primary, Context<NsqCluster> context) {
            return primary.getSpec().auth != null && primary.getSpec().auth.server != null
                    && new NetworkPoliciesEnabled().isMet(dependent, primary, context);
        }
    }

    /** nsqadmin's policy: both nsqadmin and the policies switched on. */
    public static class ForAdmin implements Condition<HasMetadata, NsqCluster> {

        @Override
        public boolean isMet(DependentResource<HasMetadata, NsqCluster> dependent, NsqCluster primary, Context<NsqCluster> context) {
            return primary.getSpec().admin.enabled && new NetworkPoliciesEnabled().isMet(dependent, primary, context);
        }
    }
}
