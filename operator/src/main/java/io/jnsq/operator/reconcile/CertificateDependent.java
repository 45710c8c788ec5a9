package io.jnsq.operator.reconcile;

import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.jnsq.operator.NsqCluster;
import io.jnsq.operator.model.Certificate;
import io.jnsq.operator.model.ClusterCertificate;
import io.jnsq.operator.model.ClusterNames;

/** The cert-manager Certificate (while spec.tls.certManager, where cert-manager's CRDs are installed). */
@KubernetesDependent(informer = @Informer(labelSelector = ClusterNames.MANAGED_SELECTOR))
public class CertificateDependent extends OwnedDependent<Certificate> {

    public CertificateDependent() {
        super(Certificate.class);
    }

    @Override
    String name(ClusterNames names) {
        return names.certificate();
    }

    @Override
    protected Certificate desired(NsqCluster cluster, Context<NsqCluster> context) {
        return ClusterCertificate.of(cluster);
    }
}
