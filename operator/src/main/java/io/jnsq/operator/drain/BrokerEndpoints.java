package io.jnsq.operator.drain;

import io.jnsq.operator.model.ClusterNames;
import java.util.ArrayList;
import java.util.List;

/**
 * How the operator reaches the HTTP APIs of a cluster's pods. In Kubernetes: their stable DNS names; tests point it at
 * processes on 127.0.0.1.
 */
public interface BrokerEndpoints {

    /** host:port of nsqd pod {@code ordinal}'s HTTP API. */
    String nsqdHttp(ClusterNames names, int ordinal);

    /** host:port of every lookupd's HTTP API. */
    List<String> lookupdHttp(ClusterNames names, int replicas);

    /** The pods' DNS names, as the operator uses them inside the cluster. */
    BrokerEndpoints DNS = new BrokerEndpoints() {
        @Override
        public String nsqdHttp(ClusterNames names, int ordinal) {
            return names.podHost(ClusterNames.NSQD, ordinal) + ":" + ClusterNames.NSQD_HTTP;
        }

        @Override
        public List<String> lookupdHttp(ClusterNames names, int replicas) {
            List<String> out = new ArrayList<>();
            for (int i = 0; i < replicas; i++) {
                out.add(names.podHost(ClusterNames.LOOKUPD, i) + ":" + ClusterNames.LOOKUPD_HTTP);
            }
            return out;
        }
    };
}
