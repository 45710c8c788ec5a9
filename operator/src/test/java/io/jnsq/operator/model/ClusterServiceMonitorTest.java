package io.jnsq.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jnsq.operator.NsqCluster;
import io.jnsq.operator.NsqClusterSpec;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The ServiceMonitor of a cluster, as Prometheus Operator reads it, built without any API server. */
class ClusterServiceMonitorTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void scrapesMetricsOnTheHttpPortOfTheHeadlessServicesOfNsqdAndNsqlookupd() {
        NsqClusterSpec spec = new NsqClusterSpec();
        spec.monitoring.serviceMonitor = true;
        spec.monitoring.interval = "15s";
        spec.monitoring.labels = Map.of("release", "kube-prometheus-stack");
        NsqCluster c = new NsqCluster();
        c.getMetadata().setName("demo");
        c.getMetadata().setNamespace("prod");
        c.setSpec(spec);

        JsonNode m = JSON.valueToTree(ClusterServiceMonitor.of(c));
        assertThat(m.path("apiVersion").asText()).isEqualTo("monitoring.coreos.com/v1");
        assertThat(m.path("kind").asText()).isEqualTo("ServiceMonitor");
        assertThat(m.at("/metadata/name").asText()).isEqualTo("demo-metrics");
        assertThat(m.at("/metadata/namespace").asText()).isEqualTo("prod");
        assertThat(m.at("/metadata/labels/release").asText()).isEqualTo("kube-prometheus-stack");
        assertThat(m.at("/metadata/labels/app.kubernetes.io~1managed-by").asText()).isEqualTo("jnsq-operator");
        assertThat(m.at("/spec/selector").toString()).isEqualTo("{\"matchExpressions\":[{\"key\":\"app.kubernetes.io/name\","
                + "\"operator\":\"In\",\"values\":[\"nsqd\",\"nsqlookupd\"]}],\"matchLabels\":{\"app.kubernetes.io/instance\":\"demo\","
                + "\"app.kubernetes.io/managed-by\":\"jnsq-operator\"}}");
        assertThat(m.at("/spec/namespaceSelector/matchNames").toString()).isEqualTo("[\"prod\"]");
        assertThat(m.at("/spec/endpoints").toString()).isEqualTo("[{\"port\":\"http\",\"path\":\"/metrics\",\"interval\":\"15s\","
                + "\"relabelings\":[{\"sourceLabels\":[\"__meta_kubernetes_service_name\"],\"regex\":\".*-headless\",\"action\":\"keep\"}]}]");
        // the Services it selects carry those labels and name the port http
        assertThat(ClusterServices.nsqdHeadless(c).getMetadata().getLabels()).containsEntry("app.kubernetes.io/name", "nsqd")
                .containsEntry("app.kubernetes.io/instance", "demo");
        assertThat(ClusterServices.nsqdHeadless(c).getSpec().getPorts()).anyMatch(p -> p.getName().equals("http") && p.getPort() == 4151);
        assertThat(ClusterServices.lookupdHeadless(c).getSpec().getPorts()).anyMatch(p -> p.getName().equals("http") && p.getPort() == 4161);
        assertThat(ClusterServices.lookupdHeadless(c).getMetadata().getName()).matches(".*-headless");
        assertThat(ClusterServices.lookupd(c).getMetadata().getName()).doesNotMatch(".*-headless");
    }
}
