package io.jnsq.operator.reconcile;

import io.fabric8.kubernetes.api.model.Secret;
import io.jnsq.operator.NsqCluster;
import io.jnsq.operator.NsqClusterSpec;
import io.jnsq.operator.model.AdminDeployment;
import io.jnsq.operator.model.TlsSecrets;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The Secrets nsqadmin's sign-in mounts (spec.admin.auth), as the operator sees them: the hash of the mounted keys'
 * content, for nsqadmin's pod template (a new users file or client secret rolls it), or what is missing. The operator
 * sees the Secrets labelled {@value TlsSecrets#CLUSTER_LABEL}={@code <cluster>} (its Secret informer is narrowed to that
 * label); an unlabelled one is not followed, and the message says how to fix it.
 */
record AdminSecrets(String hash, Optional<String> missing) {

    static final String REASON = "SecretMissing";

    /**
     * {@code secrets}: the operator's cache of labelled Secrets; {@code uncached}: a direct read, asked only for a
     * Secret the cache lacks, to tell a missing Secret from an unlabelled one.
     */
    static AdminSecrets of(NsqCluster cluster, Function<String, Secret> secrets, Function<String, Secret> uncached) {
        NsqClusterSpec spec = cluster.getSpec();
        if (!spec.admin.enabled || spec.admin.auth == null) {
            return new AdminSecrets(null, Optional.empty());
        }
        Map<String, String> content = new TreeMap<>();
        for (NsqClusterSpec.SecretKeyRef ref : AdminDeployment.secretRefs(spec)) {
            Secret s = secrets.apply(ref.name);
            if (s == null && uncached.apply(ref.name) != null) {
                return new AdminSecrets(null, Optional.of("nsqadmin's sign-in needs Secret " + ref.name + " labelled "
                        + TlsSecrets.CLUSTER_LABEL + "=" + cluster.getMetadata().getName() + " (the operator follows only labelled "
                        + "Secrets): kubectl label secret " + ref.name + " " + TlsSecrets.CLUSTER_LABEL + "=" + cluster.getMetadata().getName()));
            }
            if (s == null) {
                return new AdminSecrets(null, Optional.of("nsqadmin's sign-in needs Secret " + ref.name + " (in namespace "
                        + cluster.getMetadata().getNamespace() + ", labelled " + TlsSecrets.CLUSTER_LABEL + "="
                        + cluster.getMetadata().getName() + "): not found; nsqadmin's pods wait for it"));
            }
            String value = TlsSecrets.decoded(s).get(ref.key);
            if (value == null) {
                return new AdminSecrets(null, Optional.of("nsqadmin's sign-in needs key " + ref.key + " of Secret " + ref.name
                        + ": the Secret has no such key; nsqadmin's pods wait for it"));
            }
            content.put(ref.name + "/" + ref.key, value);
        }
        return new AdminSecrets(TlsSecrets.hash(content), Optional.empty());
    }
}
