package io.jnsq.operator.model;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.jnsq.operator.NsqCluster;

/**
 * The Services of a cluster: headless ones that give lookupd and nsqd pods stable DNS names (published before they are
 * ready, so peers can find each other while starting), a client Service for lookupd's HTTP discovery and one for
 * nsqadmin.
 */
public final class ClusterServices {

    private ClusterServices() {
    }

    public static Service lookupdHeadless(NsqCluster cluster) {
        return headless(new ClusterNames(cluster), ClusterNames.LOOKUPD, port("tcp", ClusterNames.LOOKUPD_TCP), port("http", ClusterNames.LOOKUPD_HTTP));
    }

    public static Service lookupd(NsqCluster cluster) {
        return client(new ClusterNames(cluster), ClusterNames.LOOKUPD, "ClusterIP", port("tcp", ClusterNames.LOOKUPD_TCP), port("http", ClusterNames.LOOKUPD_HTTP));
    }

    public static Service nsqdHeadless(NsqCluster cluster) {
        return headless(new ClusterNames(cluster), ClusterNames.NSQD, port("tcp", ClusterNames.NSQD_TCP), port("http", ClusterNames.NSQD_HTTP));
    }

    public static Service admin(NsqCluster cluster) {
        return client(new ClusterNames(cluster), ClusterNames.ADMIN, cluster.getSpec().admin.serviceType, port("http", ClusterNames.ADMIN_HTTP));
    }

    /** nsq_authd's Service, which every nsqd's --auth-http-address names. */
    public static Service authd(NsqCluster cluster) {
        return client(new ClusterNames(cluster), ClusterNames.AUTHD, "ClusterIP", port("http", ClusterNames.AUTHD_HTTP));
    }

    private static Service headless(ClusterNames names, String c, ServicePort... ports) {
        return new ServiceBuilder()
                .withNewMetadata().withName(names.headless(c)).withNamespace(names.namespace()).withLabels(names.labels(c)).endMetadata()
                .withNewSpec().withClusterIP("None").withPublishNotReadyAddresses(true).withSelector(names.selector(c))
                .withPorts(ports).endSpec()
                .build();
    }

    private static Service client(ClusterNames names, String c, String type, ServicePort... ports) {
        return new ServiceBuilder()
                .withNewMetadata().withName(names.of(c)).withNamespace(names.namespace()).withLabels(names.labels(c)).endMetadata()
                .withNewSpec().withType(type).withSelector(names.selector(c)).withPorts(ports).endSpec()
                .build();
    }

    private static ServicePort port(String name, int port) {
        return new ServicePortBuilder().withName(name).withPort(port).withTargetPort(new IntOrString(port)).withProtocol("TCP").build();
    }
}
