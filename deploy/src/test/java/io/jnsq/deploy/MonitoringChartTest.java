package io.jnsq.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.marcnuri.helm.Helm;
import io.jnsq.broker.NsqdMetrics;
import io.jnsq.lookupd.LookupdMetrics;
import io.jnsq.operator.model.ClusterPrometheusRule;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The chart's monitoring (values {@code monitoring.*}): the Grafana dashboard ConfigMap for Grafana's sidecar and the
 * PrometheusRule, rendered by Helm's engine; every query in them names a metric nsqd or nsqlookupd exports.
 */
class MonitoringChartTest {

    private static final Path CHART = Manifests.DEPLOY.resolve("helm/jnsq-operator");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern METRIC = Pattern.compile("\\b(nsq_[a-z0-9_]+|nsqlookupd_[a-z0-9_]+)\\b");

    private static List<JsonNode> render(String... values) throws Exception {
        var template = new Helm(CHART).template().withName("jnsq-operator").withNamespace("jnsq-system");
        for (int i = 0; i < values.length; i += 2) {
            template.set(values[i], values[i + 1]);
        }
        return Manifests.parse(template.call());
    }

    /** The series names nsqd and nsqlookupd expose: gauges as named, counters with _total, histograms' series. */
    static Set<String> exported() throws IllegalAccessException {
        Set<String> names = new HashSet<>();
        for (Class<?> c : List.of(NsqdMetrics.class, LookupdMetrics.class)) {
            for (Field f : c.getFields()) {
                if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
                    String name = (String) f.get(null);
                    if (NsqdMetrics.COUNTERS.contains(name)) {
                        names.add(name + "_total");
                    } else if (NsqdMetrics.HISTOGRAMS.contains(name)) {
                        names.addAll(List.of(name + "_bucket", name + "_count", name + "_sum"));
                    } else {
                        names.add(name);
                    }
                }
            }
        }
        return names;
    }

    private static List<String> metricsIn(String expr) {
        List<String> out = new ArrayList<>();
        Matcher m = METRIC.matcher(expr);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    /** Brackets of each kind balance, outside quoted strings: a cheap guard against a broken edit of a query. */
    private static void assertBalanced(String expr) {
        String bare = expr.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"");
        for (String pair : List.of("()", "[]", "{}")) {
            int depth = 0;
            for (char ch : bare.toCharArray()) {
                depth += ch == pair.charAt(0) ? 1 : ch == pair.charAt(1) ? -1 : 0;
                assertThat(depth).as("%s in %s", pair, expr).isGreaterThanOrEqualTo(0);
            }
            assertThat(depth).as("%s in %s", pair, expr).isZero();
        }
    }

    @Test
    void monitoringIsOffByDefault() throws Exception {
        assertThat(render()).extracting(o -> o.path("kind").asText()).doesNotContain("ConfigMap", "PrometheusRule");
    }

    @Test
    void theDashboardIsAConfigMapForGrafanasSidecarAndEveryQueryNamesAnExportedMetric() throws Exception {
        List<JsonNode> objects = render("monitoring.enabled", "true");
        JsonNode map = Manifests.only(objects, "ConfigMap");
        assertThat(map.at("/metadata/labels/grafana_dashboard").asText()).isEqualTo("1");
        assertThat(map.at("/metadata/namespace").isMissingNode() || map.at("/metadata/namespace").asText().equals("jnsq-system")).isTrue();
        String text = map.at("/data/jnsq-cluster.json").asText();
        assertThat(text).isEqualTo(Files.readString(CHART.resolve("dashboards/jnsq-cluster.json")).stripTrailing());
        JsonNode dashboard = JSON.readTree(text);
        assertThat(dashboard.path("uid").asText()).isEqualTo("jnsq-cluster");
        List<String> variables = new ArrayList<>();
        dashboard.at("/templating/list").forEach(v -> variables.add(v.path("name").asText()));
        assertThat(variables).containsExactly("datasource", "namespace", "topic", "channel");

        Set<String> exported = exported();
        List<String> rows = new ArrayList<>();
        int queries = 0;
        for (JsonNode panel : dashboard.path("panels")) {
            if (panel.path("type").asText().equals("row")) {
                rows.add(panel.path("title").asText());
                continue;
            }
            assertThat(panel.path("targets")).as(panel.path("title").asText()).isNotEmpty();
            for (JsonNode target : panel.path("targets")) {
                String expr = target.path("expr").asText();
                assertBalanced(expr);
                assertThat(metricsIn(expr)).as("metrics of " + expr).isNotEmpty().allSatisfy(m -> assertThat(exported).contains(m));
                queries++;
            }
        }
        for (JsonNode v : dashboard.at("/templating/list")) {
            metricsIn(v.path("definition").asText()).forEach(m -> assertThat(exported).contains(m));
        }
        assertThat(rows).containsExactly("Cluster", "Topics", "Channels");
        assertThat(queries).isGreaterThan(20);
    }

    @Test
    void alertRulesCoverWhatOperatorsNeedAndNameExportedMetrics() throws Exception {
        List<JsonNode> objects = render("monitoring.prometheusRule.enabled", "true",
                "monitoring.prometheusRule.labels.release", "kube-prometheus-stack", "monitoring.prometheusRule.depthThreshold", "5000");
        assertThat(objects).extracting(o -> o.path("kind").asText()).doesNotContain("ConfigMap");
        JsonNode rule = Manifests.only(objects, "PrometheusRule");
        assertThat(rule.path("apiVersion").asText()).isEqualTo("monitoring.coreos.com/v1");
        assertThat(rule.at("/metadata/labels/release").asText()).isEqualTo("kube-prometheus-stack");
        Set<String> exported = exported();
        List<String> alerts = new ArrayList<>();
        for (JsonNode group : rule.at("/spec/groups")) {
            for (JsonNode r : group.path("rules")) {
                alerts.add(r.path("alert").asText());
                String expr = r.path("expr").asText();
                assertBalanced(expr);
                assertThat(metricsIn(expr)).as(expr).isNotEmpty().allSatisfy(m -> assertThat(exported).contains(m));
                assertThat(r.at("/labels/severity").asText()).isIn("warning", "critical");
                assertThat(r.at("/annotations/summary").asText()).as(r.path("alert").asText()).isNotBlank().doesNotContain("{{ \"");
                assertThat(r.path("for").asText()).matches("\\d+m");
            }
        }
        assertThat(alerts).containsExactly("NsqdUnhealthy", "NsqChannelWithoutConsumers", "NsqChannelDepthGrowing",
                "NsqTopicDepthGrowing", "NsqTimeoutsSpiking", "NsqRequeuesSpiking", "NsqDiskQueueGrowing", "NsqlookupdWithoutProducers");
        JsonNode growing = rule.at("/spec/groups/0/rules/2");
        assertThat(growing.path("expr").asText()).contains("nsq_channel_depth) > 5000", "deriv(nsq_channel_depth[10m])");
        assertThat(rule.at("/spec/groups/0/rules/1/annotations/summary").asText())
                .isEqualTo("Channel {{ $labels.topic }}/{{ $labels.channel }} has messages and no consumer");
        assertThat(rule.at("/spec/groups/0/rules/6/expr").asText()).contains("nsq_disk_queue_bytes > 1073741824");
    }

    @Test
    void theChartsRulesWithItsDefaultsAreTheOperatorsWithoutTheClusterSelector() throws Exception {
        // one file (rules/jnsq-alerts.yaml) is read by both; the chart's default thresholds are the operator's
        JsonNode rule = Manifests.only(render("monitoring.prometheusRule.enabled", "true"), "PrometheusRule");
        assertThat(rule.path("spec")).isEqualTo(JSON.valueToTree(ClusterPrometheusRule.groups("")));
        assertThat(rule.at("/spec/groups/0/rules/0/expr").asText()).isEqualTo("nsq_healthy == 0");
    }
}
