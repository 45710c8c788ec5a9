package io.jnsq.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.javaoperatorsdk.operator.processing.dependent.workflow.CRDPresentActivationCondition;
import io.jnsq.operator.NsqClusterSpec;
import io.jnsq.operator.model.Conditions;
import io.jnsq.operator.model.PrometheusRule;
import io.quarkus.test.junit.QuarkusTest;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * spec.monitoring.prometheusRule: no PrometheusRule (and no error) where the Prometheus Operator is not installed; once
 * its CRD is, one per cluster that asks for it, its alerts on that cluster's series only, deleted when switched off.
 */
@QuarkusTest
class PrometheusRuleTest extends ApiServerTest {

    private static final String CRD = "prometheusrules.monitoring.coreos.com";

    private static NsqClusterSpec alerting() {
        NsqClusterSpec spec = new NsqClusterSpec();
        spec.monitoring.prometheusRule = true;
        spec.monitoring.labels = Map.of("release", "kube-prometheus-stack");
        return spec;
    }

    @Test
    void aPrometheusRuleIsMadeWhereThePrometheusOperatorIsInstalledAndGoesWhenSwitchedOff() {
        if (admin.apiextensions().v1().customResourceDefinitions().withName(CRD).get() == null) {
            // without the Prometheus Operator the cluster runs as usual
            Cluster without = Cluster.create(admin, "no-rules", alerting());
            without.allReady();
            without.awaitCondition(Conditions.READY, "True", "AllReplicasReady");
            admin.apiextensions().v1().customResourceDefinitions().resource(foreignCrd("monitoring.coreos.com", "PrometheusRule", "prometheusrules")).create();
            await().atMost(Cluster.WITHIN).until(() -> admin.apiextensions().v1().customResourceDefinitions().withName(CRD).get()
                    .getStatus().getConditions().stream().anyMatch(c -> c.getType().equals("Established") && c.getStatus().equals("True")));
        }
        CRDPresentActivationCondition.clearState(); // it is looked up once a minute: now, for this test

        Cluster c = Cluster.create(admin, "alerting", alerting());
        await().atMost(Cluster.WITHIN).until(() -> admin.resources(PrometheusRule.class).inNamespace("alerting").withName("demo-alerts").get() != null);
        PrometheusRule r = admin.resources(PrometheusRule.class).inNamespace("alerting").withName("demo-alerts").get();
        assertThat(r.getMetadata().getLabels()).containsEntry("release", "kube-prometheus-stack");
        assertThat(r.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> {
            assertThat(o.getKind()).isEqualTo("NsqCluster");
            assertThat(o.getController()).isTrue();
        });
        assertThat(r.getSpec().groups).extracting(g -> g.name).containsExactly("jnsq.nsqd", "jnsq.nsqlookupd");
        assertThat(r.getSpec().groups.get(0).rules.get(0)).satisfies(rule -> {
            assertThat(rule.alert).isEqualTo("NsqdUnhealthy");
            assertThat(rule.expr).isEqualTo("nsq_healthy{namespace=\"alerting\",job=~\"demo-nsqd-headless|demo-nsqlookupd-headless\"} == 0");
            assertThat(rule.pendingFor).isEqualTo("1m");
            assertThat(rule.labels).containsEntry("severity", "critical");
        });

        c.edit(s -> s.monitoring.prometheusRule = false);
        await().atMost(Cluster.WITHIN).until(() -> admin.resources(PrometheusRule.class).inNamespace("alerting").withName("demo-alerts").get() == null);
    }
}
