package io.jnsq.operator;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/** One NSQ cluster: nsqlookupds, nsqds and an nsqadmin, run and scaled by the operator. */
@Group(NsqCluster.GROUP)
@Version(NsqCluster.VERSION)
@Kind("NsqCluster")
@Plural("nsqclusters")
@Singular("nsqcluster")
@ShortNames("nsq")
// kubectl get nsq: NAME READY NSQD LOOKUPD AGE (in this order: CrdGeneration keeps it)
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.ready", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Nsqd", jsonPath = ".status.nsqd", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Lookupd", jsonPath = ".status.lookupd", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class NsqCluster extends CustomResource<NsqClusterSpec, NsqClusterStatus> implements Namespaced {

    public static final String GROUP = "jnsq.io";
    public static final String VERSION = "v1alpha1";

    @Override
    protected NsqClusterSpec initSpec() {
        return new NsqClusterSpec();
    }

    @Override
    protected NsqClusterStatus initStatus() {
        return new NsqClusterStatus();
    }
}
