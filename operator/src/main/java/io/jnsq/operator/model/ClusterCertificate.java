package io.jnsq.operator.model;

import io.jnsq.operator.NsqCluster;
import io.jnsq.operator.NsqClusterSpec.CertManagerSpec;
import java.util.List;

/**
 * The cert-manager Certificate for a cluster (spec.tls.certManager): every Service and pod DNS name, a new EC P-256 key
 * at each renewal, PKCS#8 (what nsqd reads), and the label {@value TlsSecrets#CLUSTER_LABEL} on the Secret cert-manager
 * writes, so that the operator watches it and rolls the brokers when it changes.
 */
public final class ClusterCertificate {

    private ClusterCertificate() {
    }

    public static Certificate of(NsqCluster cluster) {
        ClusterNames names = new ClusterNames(cluster);
        CertManagerSpec spec = cluster.getSpec().tls.certManager;
        Certificate c = new Certificate();
        c.getMetadata().setName(names.certificate());
        c.getMetadata().setNamespace(names.namespace());
        c.getMetadata().setLabels(names.clusterLabels());
        Certificate.Spec s = new Certificate.Spec();
        s.secretName = names.certManagerSecret();
        s.secretTemplate = new Certificate.SecretTemplate();
        s.secretTemplate.labels.put(TlsSecrets.CLUSTER_LABEL, names.cluster());
        s.commonName = names.dnsNames().get(0);
        s.dnsNames = names.dnsNames();
        s.duration = spec.duration;
        s.renewBefore = spec.renewBefore;
        s.usages = List.of("digital signature", "key encipherment", "server auth", "client auth");
        s.privateKey = new Certificate.PrivateKey();
        s.privateKey.algorithm = "ECDSA";
        s.privateKey.size = 256;
        s.privateKey.encoding = "PKCS8";
        s.privateKey.rotationPolicy = "Always";
        s.issuerRef = new Certificate.IssuerRef();
        s.issuerRef.name = spec.issuerRef.name;
        s.issuerRef.kind = spec.issuerRef.kind;
        s.issuerRef.group = spec.issuerRef.group;
        c.setSpec(s);
        return c;
    }
}
