package io.jnsq.operator.reconcile;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.BooleanWithUndefined;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.jnsq.operator.NsqCluster;
import io.jnsq.operator.model.ClusterNames;
import io.jnsq.operator.model.FlagsConfigMap;

/** Every component's flags (JOSDK leaves ConfigMaps out of server-side apply unless told: told here). */
@KubernetesDependent(useSSA = BooleanWithUndefined.TRUE, informer = @Informer(labelSelector = ClusterNames.MANAGED_SELECTOR))
public class FlagsConfigMapDependent extends OwnedDependent<ConfigMap> {

    public FlagsConfigMapDependent() {
        super(ConfigMap.class);
    }

    @Override
    String name(ClusterNames names) {
        return names.flags();
    }

    @Override
    protected ConfigMap desired(NsqCluster cluster, Context<NsqCluster> context) {
        return FlagsConfigMap.of(cluster);
    }
}
