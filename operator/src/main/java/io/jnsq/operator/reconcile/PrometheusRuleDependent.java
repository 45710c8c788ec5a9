package io.jnsq.operator.reconcile;

import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.jnsq.operator.NsqCluster;
import io.jnsq.operator.model.ClusterNames;
import io.jnsq.operator.model.ClusterPrometheusRule;
import io.jnsq.operator.model.PrometheusRule;

/** The PrometheusRule with the cluster's alerts (while spec.monitoring.prometheusRule, where the Prometheus Operator is). */
@KubernetesDependent(informer = @Informer(labelSelector = ClusterNames.MANAGED_SELECTOR))
public class PrometheusRuleDependent extends OwnedDependent<PrometheusRule> {

    public PrometheusRuleDependent() {
        super(PrometheusRule.class);
    }

    @Override
    String name(ClusterNames names) {
        return names.prometheusRule();
    }

    @Override
    protected PrometheusRule desired(NsqCluster cluster, Context<NsqCluster> context) {
        return ClusterPrometheusRule.of(cluster);
    }
}
