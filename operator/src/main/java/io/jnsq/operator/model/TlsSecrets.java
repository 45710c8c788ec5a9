package io.jnsq.operator.model;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.jnsq.operator.NsqCluster;
import io.jnsq.operator.NsqClusterSpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The Secrets of a cluster's TLS: which one the pods mount and which one clients read for each of spec.tls's sources,
 * the three the operator writes for {@code spec.tls.generate}, and the hash of a Secret's content that goes into the
 * pod template (a new certificate rolls the brokers).
 */
public final class TlsSecrets {

    /** A Secret labelled with this (value: the cluster's name) is watched: a change of its content rolls the brokers. */
    public static final String CLUSTER_LABEL = "jnsq.io/cluster";

    private TlsSecrets() {
    }

    /** The Secret the pods mount (tls.crt, tls.key, ca.crt), or null without spec.tls. */
    public static String serverSecret(NsqClusterSpec spec, ClusterNames names) {
        if (spec.tls == null) {
            return null;
        }
        if (spec.tls.generate != null) {
            return names.tlsSecret();
        }
        if (spec.tls.certManager != null) {
            return names.certManagerSecret();
        }
        return spec.tls.secretName;
    }

    /** The Secret whose ca.crt clients trust (the status names it), or null without spec.tls. */
    public static String caSecret(NsqClusterSpec spec, ClusterNames names) {
        return spec.tls != null && spec.tls.generate != null ? names.caSecret() : serverSecret(spec, names);
    }

    /** The operator's CA with its key: read by nobody but the operator. */
    public static Secret caKey(NsqCluster cluster, Map<String, String> data) {
        return secret(cluster, new ClusterNames(cluster).caKeySecret(), "Opaque", data);
    }

    /** The CA bundle (ca.crt) for clients. */
    public static Secret ca(NsqCluster cluster, Map<String, String> data) {
        return secret(cluster, new ClusterNames(cluster).caSecret(), "Opaque", data);
    }

    /** The server certificate the pods mount. */
    public static Secret server(NsqCluster cluster, Map<String, String> data) {
        return secret(cluster, new ClusterNames(cluster).tlsSecret(), "kubernetes.io/tls", data);
    }

    /** A Secret's content as text (empty for none). */
    public static Map<String, String> decoded(Secret s) {
        Map<String, String> m = new LinkedHashMap<>();
        if (s != null && s.getData() != null) {
            s.getData().forEach((k, v) -> m.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
        }
        if (s != null && s.getStringData() != null) {
            m.putAll(s.getStringData());
        }
        return m;
    }

    /** A short hash of a Secret's content (tls.crt, tls.key, ca.crt), for the pod template; null for none. */
    public static String hash(Map<String, String> data) {
        if (data == null || data.isEmpty()) {
            return null;
        }
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            new TreeMap<>(data).forEach((k, v) -> {
                d.update(k.getBytes(StandardCharsets.UTF_8));
                d.update((byte) 0);
                d.update(v.getBytes(StandardCharsets.UTF_8));
                d.update((byte) 0);
            });
            return HexFormat.of().formatHex(d.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Secret secret(NsqCluster cluster, String name, String type, Map<String, String> data) {
        ClusterNames names = new ClusterNames(cluster);
        Map<String, String> encoded = new TreeMap<>();
        data.forEach((k, v) -> encoded.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
        return new SecretBuilder().withNewMetadata().withName(name).withNamespace(names.namespace()).withLabels(names.clusterLabels())
                .endMetadata().withType(type).withData(encoded).build();
    }
}
