package io.jnsq.operator.model;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.jnsq.operator.NsqCluster;

/** At most one lookupd and one nsqd away at a time during node drains and upgrades. */
public final class DisruptionBudgets {

    private DisruptionBudgets() {
    }

    public static PodDisruptionBudget lookupd(NsqCluster cluster) {
        return budget(new ClusterNames(cluster), ClusterNames.LOOKUPD);
    }

    public static PodDisruptionBudget nsqd(NsqCluster cluster) {
        return budget(new ClusterNames(cluster), ClusterNames.NSQD);
    }

    private static PodDisruptionBudget budget(ClusterNames names, String c) {
        return new PodDisruptionBudgetBuilder()
                .withNewMetadata().withName(names.of(c)).withNamespace(names.namespace()).withLabels(names.labels(c)).endMetadata()
                .withNewSpec().withMaxUnavailable(new IntOrString(1)).withNewSelector().withMatchLabels(names.selector(c)).endSelector()
                .endSpec()
                .build();
    }
}
