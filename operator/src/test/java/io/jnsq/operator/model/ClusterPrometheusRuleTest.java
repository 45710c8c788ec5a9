package io.jnsq.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.jnsq.operator.NsqCluster;
import io.jnsq.operator.NsqClusterSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The PrometheusRule of a cluster, built without any API server and compared whole with golden/prometheusrule.yaml
 * ({@code -Dgolden.update=true} rewrites it): every series in every alert is the cluster's own.
 */
class ClusterPrometheusRuleTest {

    private static final Pattern SERIES = Pattern.compile("\\b(?:nsq|nsqlookupd)_[a-z0-9_]+(\\{[^}]*\\})?");

    private static NsqCluster cluster(String name) {
        NsqClusterSpec spec = new NsqClusterSpec();
        spec.monitoring.prometheusRule = true;
        spec.monitoring.labels = Map.of("release", "kube-prometheus-stack");
        NsqCluster c = new NsqCluster();
        c.getMetadata().setName(name);
        c.getMetadata().setNamespace("prod");
        c.setSpec(spec);
        return c;
    }

    @Test
    void theAlertsOfOneClusterAsGolden() throws Exception {
        NsqClusterModelTest.assertGolden("prometheusrule.yaml", List.of(ClusterPrometheusRule.of(cluster("demo"))));
    }

    @Test
    void everySeriesIsSelectedByTheClustersNamespaceAndJobs() {
        PrometheusRule r = ClusterPrometheusRule.of(cluster("demo"));
        assertThat(r.getMetadata().getName()).isEqualTo("demo-alerts");
        assertThat(r.getMetadata().getLabels()).containsEntry("release", "kube-prometheus-stack")
                .containsEntry("app.kubernetes.io/managed-by", "jnsq-operator").containsEntry("app.kubernetes.io/instance", "demo");
        List<String> alerts = new ArrayList<>();
        int series = 0;
        for (PrometheusRule.RuleGroup g : r.getSpec().groups) {
            for (PrometheusRule.Rule rule : g.rules) {
                alerts.add(rule.alert);
                assertThat(rule.expr).doesNotContain("${");
                Matcher m = SERIES.matcher(rule.expr);
                while (m.find()) {
                    assertThat(m.group(1)).as(m.group() + " in " + rule.alert)
                            .isEqualTo("{namespace=\"prod\",job=~\"demo-nsqd-headless|demo-nsqlookupd-headless\"}");
                    series++;
                }
            }
        }
        assertThat(alerts).containsExactly("NsqdUnhealthy", "NsqChannelWithoutConsumers", "NsqChannelDepthGrowing",
                "NsqTopicDepthGrowing", "NsqTimeoutsSpiking", "NsqRequeuesSpiking", "NsqDiskQueueGrowing", "NsqlookupdWithoutProducers");
        assertThat(series).isEqualTo(17);
        // the Services those jobs are named after (Prometheus Operator's default job label) are the ones scraped
        NsqCluster c = cluster("demo");
        assertThat(ClusterServices.nsqdHeadless(c).getMetadata().getName()).isEqualTo("demo-nsqd-headless");
        assertThat(ClusterServices.lookupdHeadless(c).getMetadata().getName()).isEqualTo("demo-nsqlookupd-headless");
    }

    @Test
    void aDotInTheClusterNameIsLiteralInTheJobRegex() {
        PrometheusRule r = ClusterPrometheusRule.of(cluster("a.b"));
        assertThat(r.getSpec().groups.get(0).rules.get(0).expr)
                .isEqualTo("nsq_healthy{namespace=\"prod\",job=~\"a\\\\.b-nsqd-headless|a\\\\.b-nsqlookupd-headless\"} == 0");
    }
}
