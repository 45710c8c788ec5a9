package io.jnsq.operator.model;

import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.jnsq.operator.NsqCluster;
import io.jnsq.operator.NsqClusterSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * nsqadmin, stateless, pointed at every lookupd by DNS name. With spec.admin.auth, the users file and the OIDC client
 * secret are single keys of the user's Secrets mounted read-only (never in the flags ConfigMap nor an env var).
 */
public final class AdminDeployment {

    static final String USERS_VOLUME = "users";
    static final String OIDC_VOLUME = "oidc-client-secret";

    private AdminDeployment() {
    }

    public static Deployment of(NsqCluster cluster) {
        return of(cluster, null, null);
    }

    public static Deployment of(NsqCluster cluster, String certificateHash) {
        return of(cluster, certificateHash, null);
    }

    /**
     * {@code certificateHash}: of the TLS Secret's content (a new CA bundle rolls nsqadmin); {@code secretsHash}: of
     * the sign-in Secrets' keys it mounts (a new users file or client secret rolls it); null for none.
     */
    public static Deployment of(NsqCluster cluster, String certificateHash, String secretsHash) {
        NsqClusterSpec spec = cluster.getSpec();
        ClusterNames names = new ClusterNames(cluster);
        String c = ClusterNames.ADMIN;
        String hash = secretsHash == null ? certificateHash : (certificateHash == null ? "" : certificateHash) + "/" + secretsHash;
        return new DeploymentBuilder()
                .withNewMetadata().withName(names.of(c)).withNamespace(names.namespace()).withLabels(names.labels(c)).endMetadata()
                .withNewSpec()
                .withReplicas(spec.admin.replicas)
                .withNewSelector().withMatchLabels(names.selector(c)).endSelector()
                .withTemplate(PodTemplates.of(spec, names, c, ComponentFlags.admin(spec, names), List.of(),
                        List.of(PodTemplates.port("http", ClusterNames.ADMIN_HTTP)), ClusterNames.ADMIN_HTTP,
                        spec.admin.resources, mounts(spec), 30, hash))
                .endSpec()
                .build();
    }

    /** The Secret keys nsqadmin mounts for its sign-in (users file, OIDC client secret), in that order. */
    public static List<NsqClusterSpec.SecretKeyRef> secretRefs(NsqClusterSpec spec) {
        List<NsqClusterSpec.SecretKeyRef> refs = new ArrayList<>();
        NsqClusterSpec.AdminAuthSpec auth = spec.admin.auth;
        if (auth != null && auth.usersSecret != null) {
            refs.add(auth.usersSecret);
        }
        if (auth != null && auth.oidc != null && auth.oidc.clientSecretRef != null) {
            refs.add(auth.oidc.clientSecretRef);
        }
        return refs;
    }

    private static List<VolumeMount> mounts(NsqClusterSpec spec) {
        List<VolumeMount> mounts = new ArrayList<>();
        NsqClusterSpec.AdminAuthSpec auth = spec.admin.auth;
        if (auth != null && auth.usersSecret != null) {
            mounts.add(new VolumeMountBuilder().withName(USERS_VOLUME).withMountPath(ComponentFlags.ADMIN_USERS_DIR).withReadOnly(true).build());
        }
        if (auth != null && auth.oidc != null) {
            mounts.add(new VolumeMountBuilder().withName(OIDC_VOLUME).withMountPath(ComponentFlags.ADMIN_OIDC_DIR).withReadOnly(true).build());
        }
        return mounts;
    }

    /** The volumes of {@link #mounts}: only the named key of each Secret, readable by the pod's group (fsGroup) only. */
    static List<Volume> volumes(NsqClusterSpec spec) {
        List<Volume> volumes = new ArrayList<>();
        NsqClusterSpec.AdminAuthSpec auth = spec.admin.auth;
        if (auth != null && auth.usersSecret != null) {
            volumes.add(secretVolume(USERS_VOLUME, auth.usersSecret));
        }
        if (auth != null && auth.oidc != null) {
            volumes.add(secretVolume(OIDC_VOLUME, auth.oidc.clientSecretRef));
        }
        return volumes;
    }

    private static Volume secretVolume(String volume, NsqClusterSpec.SecretKeyRef ref) {
        return new VolumeBuilder().withName(volume).withNewSecret().withSecretName(ref.name).withDefaultMode(0440)
                .addNewItem().withKey(ref.key).withPath(ref.key).endItem().endSecret().build();
    }
}
