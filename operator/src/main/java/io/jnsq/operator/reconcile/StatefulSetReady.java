package io.jnsq.operator.reconcile;

import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import io.jnsq.operator.NsqCluster;

/**
 * A StatefulSet is ready when the StatefulSet controller has seen its latest spec and every pod runs it and is ready:
 * not during a rolling restart, nor while a pod is missing.
 */
public class StatefulSetReady implements Condition<StatefulSet, NsqCluster> {

    @Override
    public boolean isMet(DependentResource<StatefulSet, NsqCluster> dependent, NsqCluster primary, Context<NsqCluster> context) {
        return dependent.getSecondaryResource(primary, context).map(StatefulSetReady::isReady).orElse(false);
    }

    static boolean isReady(StatefulSet s) {
        var status = s.getStatus();
        int want = s.getSpec().getReplicas() == null ? 1 : s.getSpec().getReplicas();
        if (status == null || status.getObservedGeneration() == null || status.getObservedGeneration() < s.getMetadata().getGeneration()) {
            return false;
        }
        return count(status.getReadyReplicas()) >= want && count(status.getUpdatedReplicas()) >= want
                && count(status.getReplicas()) == want
                && (status.getUpdateRevision() == null || status.getUpdateRevision().equals(status.getCurrentRevision()));
    }

    static int count(Integer n) {
        return n == null ? 0 : n;
    }
}
