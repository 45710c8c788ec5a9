package io.jnsq.operator.model;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.jnsq.operator.NsqCluster;
import io.jnsq.operator.NsqClusterSpec;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The flags every component runs with, one args file per component ({@code nsqd.args}, {@code nsqlookupd.args},
 * {@code nsqadmin.args}): what {@code kubectl get configmap <cluster>-flags -o yaml} shows is what the pods run, less
 * each pod's own broadcast address.
 */
public final class FlagsConfigMap {

    private FlagsConfigMap() {
    }

    /** The key (and file name) of a component's args file. */
    static String key(String component) {
        return component + ".args";
    }

    public static ConfigMap of(NsqCluster cluster) {
        NsqClusterSpec spec = cluster.getSpec();
        ClusterNames names = new ClusterNames(cluster);
        Map<String, String> data = new LinkedHashMap<>();
        data.put(key(ClusterNames.LOOKUPD), ComponentFlags.argsFile(ComponentFlags.lookupd(spec, names)));
        data.put(key(ClusterNames.NSQD), ComponentFlags.argsFile(ComponentFlags.nsqd(spec, names)));
        data.put(key(ClusterNames.ADMIN), ComponentFlags.argsFile(ComponentFlags.admin(spec, names)));
        if (spec.auth != null && spec.auth.server != null) {
            data.put(key(ClusterNames.AUTHD), ComponentFlags.argsFile(ComponentFlags.authd(spec)));
        }
        return new ConfigMapBuilder()
                .withNewMetadata().withName(names.flags()).withNamespace(names.namespace()).withLabels(names.clusterLabels()).endMetadata()
                .withData(data)
                .build();
    }
}
