package io.jnsq.operator.reconcile;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.processing.dependent.workflow.CRDPresentActivationCondition;
import io.jnsq.operator.NsqCluster;
import java.time.Duration;

/**
 * Whether cert-manager's Certificate CRD is installed: until it is, the Certificate dependent is left alone and its kind
 * not watched (a cluster asking for it waits, with its pods unable to mount the Secret). Looked up at most once a
 * minute while missing, so installing cert-manager later is noticed without restarting the operator.
 */
public class CertManagerInstalled extends CRDPresentActivationCondition<HasMetadata, NsqCluster> {

    public CertManagerInstalled() {
        super(Integer.MAX_VALUE, Duration.ofMinutes(1));
    }
}
