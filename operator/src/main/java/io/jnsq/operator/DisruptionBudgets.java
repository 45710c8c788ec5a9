package io.jnsq.operator;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import java.util.List;

/** At most one lookupd and one nsqd away at a time during node drains and upgrades. */
final class DisruptionBudgets {

    private DisruptionBudgets() {
    }

    static List<PodDisruptionBudget> of(NsqCluster cluster) {
        ClusterNames names = new ClusterNames(cluster);
        return List.of(budget(names, ClusterNames.LOOKUPD), budget(names, ClusterNames.NSQD));
    }

    private static PodDisruptionBudget budget(ClusterNames names, String c) {
        return new PodDisruptionBudgetBuilder()
                .withNewMetadata().withName(names.of(c)).withNamespace(names.namespace()).withLabels(names.labels(c)).endMetadata()
                .withNewSpec().withMaxUnavailable(new IntOrString(1)).withNewSelector().withMatchLabels(names.selector(c)).endSelector()
                .endSpec()
                .build();
    }
}
