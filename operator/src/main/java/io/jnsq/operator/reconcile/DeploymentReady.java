package io.jnsq.operator.reconcile;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import io.jnsq.operator.NsqCluster;

/** A Deployment is ready when its controller has seen its latest spec and every replica is updated and ready. */
public class DeploymentReady implements Condition<Deployment, NsqCluster> {

    @Override
    public boolean isMet(DependentResource<Deployment, NsqCluster> dependent, NsqCluster primary, Context<NsqCluster> context) {
        return dependent.getSecondaryResource(primary, context).map(DeploymentReady::isReady).orElse(false);
    }

    static boolean isReady(Deployment d) {
        var status = d.getStatus();
        int want = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
        return status != null && status.getObservedGeneration() != null && status.getObservedGeneration() >= d.getMetadata().getGeneration()
                && StatefulSetReady.count(status.getReadyReplicas()) >= want && StatefulSetReady.count(status.getUpdatedReplicas()) >= want;
    }
}
