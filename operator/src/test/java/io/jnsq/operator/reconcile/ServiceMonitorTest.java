package io.jnsq.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.javaoperatorsdk.operator.processing.dependent.workflow.CRDPresentActivationCondition;
import io.jnsq.operator.NsqClusterSpec;
import io.jnsq.operator.model.Conditions;
import io.jnsq.operator.model.ServiceMonitor;
import io.quarkus.test.junit.QuarkusTest;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * spec.monitoring.serviceMonitor: no ServiceMonitor (and no error) where the Prometheus Operator is not installed; once
 * its CRD is, one per cluster that asks for it, deleted when switched off. Also the operator's own counters.
 */
@QuarkusTest
class ServiceMonitorTest extends ApiServerTest {

    private static NsqClusterSpec monitored() {
        NsqClusterSpec spec = new NsqClusterSpec();
        spec.monitoring.serviceMonitor = true;
        spec.monitoring.labels = Map.of("release", "kube-prometheus-stack");
        return spec;
    }

    @Test
    void aServiceMonitorIsMadeWhereThePrometheusOperatorIsInstalledAndGoesWhenSwitchedOff() {
        boolean installed = admin.apiextensions().v1().customResourceDefinitions().withName("servicemonitors.monitoring.coreos.com").get() != null;
        if (!installed) {
            // without the Prometheus Operator the cluster runs as usual
            Cluster without = Cluster.create(admin, "no-prometheus", monitored());
            without.allReady();
            without.awaitCondition(Conditions.READY, "True", "AllReplicasReady");
            admin.apiextensions().v1().customResourceDefinitions().resource(foreignCrd("monitoring.coreos.com", "ServiceMonitor", "servicemonitors")).create();
            await().atMost(Cluster.WITHIN).until(() -> admin.apiextensions().v1().customResourceDefinitions()
                    .withName("servicemonitors.monitoring.coreos.com").get().getStatus().getConditions().stream()
                    .anyMatch(c -> c.getType().equals("Established") && c.getStatus().equals("True")));
        }
        CRDPresentActivationCondition.clearState(); // it is looked up once a minute: now, for this test

        Cluster c = Cluster.create(admin, "monitored", monitored());
        await().atMost(Cluster.WITHIN).until(() -> admin.resources(ServiceMonitor.class).inNamespace("monitored").withName("demo-metrics").get() != null);
        ServiceMonitor m = admin.resources(ServiceMonitor.class).inNamespace("monitored").withName("demo-metrics").get();
        assertThat(m.getMetadata().getLabels()).containsEntry("release", "kube-prometheus-stack");
        assertThat(m.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> {
            assertThat(o.getKind()).isEqualTo("NsqCluster");
            assertThat(o.getController()).isTrue();
        });
        assertThat(m.getSpec().endpoints).singleElement().satisfies(e -> {
            assertThat(e.port).isEqualTo("http");
            assertThat(e.path).isEqualTo("/metrics");
            assertThat(e.interval).isEqualTo("30s");
        });
        assertThat(m.getSpec().selector.getMatchLabels()).containsEntry("app.kubernetes.io/instance", "demo");

        c.edit(s -> s.monitoring.serviceMonitor = false);
        await().atMost(Cluster.WITHIN).until(() -> admin.resources(ServiceMonitor.class).inNamespace("monitored").withName("demo-metrics").get() == null);
    }
}
