package io.jnsq.operator.reconcile;

import io.javaoperatorsdk.operator.processing.event.source.filter.OnUpdateFilter;
import io.jnsq.operator.NsqCluster;
import io.jnsq.operator.model.ClusterNames;
import java.util.Objects;

/**
 * Which changes to an NsqCluster are worth a reconcile: its spec (a new generation) or the pause annotation, which
 * does not change the generation. Status writes, the operator's own included, are not.
 */
public class SpecOrPauseChanged implements OnUpdateFilter<NsqCluster> {

    @Override
    public boolean accept(NsqCluster now, NsqCluster before) {
        return !Objects.equals(now.getMetadata().getGeneration(), before.getMetadata().getGeneration())
                || NsqClusterReconciler.isPaused(now) != NsqClusterReconciler.isPaused(before)
                || (now.isMarkedForDeletion() && !before.isMarkedForDeletion());
    }
}
