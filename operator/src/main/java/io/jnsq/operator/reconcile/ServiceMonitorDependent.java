package io.jnsq.operator.reconcile;

import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.jnsq.operator.NsqCluster;
import io.jnsq.operator.model.ClusterNames;
import io.jnsq.operator.model.ClusterServiceMonitor;
import io.jnsq.operator.model.ServiceMonitor;

/** The ServiceMonitor (while spec.monitoring.serviceMonitor, where the Prometheus Operator is installed). */
@KubernetesDependent(informer = @Informer(labelSelector = ClusterNames.MANAGED_SELECTOR))
public class ServiceMonitorDependent extends OwnedDependent<ServiceMonitor> {

    public ServiceMonitorDependent() {
        super(ServiceMonitor.class);
    }

    @Override
    String name(ClusterNames names) {
        return names.serviceMonitor();
    }

    @Override
    protected ServiceMonitor desired(NsqCluster cluster, Context<NsqCluster> context) {
        return ClusterServiceMonitor.of(cluster);
    }
}
