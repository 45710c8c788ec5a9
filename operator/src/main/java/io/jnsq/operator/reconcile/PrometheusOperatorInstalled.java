package io.jnsq.operator.reconcile;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.processing.dependent.workflow.CRDPresentActivationCondition;
import io.jnsq.operator.NsqCluster;
import java.time.Duration;

/**
 * Whether the CRD of a dependent's kind (ServiceMonitor, PrometheusRule) is installed: until it is, that dependent is left
 * alone and its kind not watched.
 * Looked up at most once a minute, for as long as it is missing, so installing the Prometheus Operator later is noticed
 * without restarting this one.
 */
public class PrometheusOperatorInstalled extends CRDPresentActivationCondition<HasMetadata, NsqCluster> {

    public PrometheusOperatorInstalled() {
        super(Integer.MAX_VALUE, Duration.ofMinutes(1));
    }
}
