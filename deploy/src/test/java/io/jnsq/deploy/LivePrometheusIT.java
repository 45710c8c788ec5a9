package io.jnsq.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.jnsq.operator.model.ClusterPrometheusRule;
import io.jnsq.testing.RealProcesses;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The alert rules and the Grafana dashboard against a real Prometheus scraping a real nsqd (bin/nsqd), every second:
 * the rules as the operator renders them for one cluster's series, the dashboard's queries with its variables set.
 * A consumer subscribed to a channel with depth keeps NsqChannelWithoutConsumers quiet; once it goes, the alert is
 * pending for that channel (its {@code for:} of 5 minutes keeps it from firing within a test; promtool's unit tests,
 * {@link PromtoolRulesTest}, cover the firing).
 */
class LivePrometheusIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NAMESPACE = "live";
    private static final String JOB = "live-nsqd";
    private static final String WITHOUT_CONSUMERS = "ALERTS{alertname=\"NsqChannelWithoutConsumers\",topic=\"orders\",channel=\"billing\"}";

    @Test
    void theAlertGoesPendingWhenTheLastConsumerLeavesAndEveryDashboardQueryAnswers(@TempDir Path dir) throws Exception {
        Path prometheusBinary = PromtoolRulesTest.onPath("prometheus").orElseThrow();
        try (RealProcesses procs = new RealProcesses(dir)) {
            RealProcesses.Server nsqd = procs.nsqd();
            int port = startPrometheus(procs, prometheusBinary, dir, nsqd.http());

            try (Socket consumer = subscribe(nsqd.tcp(), "orders", "billing")) {
                for (int i = 0; i < 5; i++) {
                    assertThat(RealProcesses.http("POST", nsqd.http(), "/pub?topic=orders", "message " + i)).isEqualTo("OK");
                }
                // Prometheus has scraped the channel with its messages and its consumer (RDY 0: nothing is delivered)
                RealProcesses.await(() -> !query(port, "nsq_channel_depth{topic=\"orders\",channel=\"billing\"} == 5").isEmpty()
                        && !query(port, "nsq_channel_clients{topic=\"orders\",channel=\"billing\"} == 1").isEmpty(),
                        "Prometheus sees orders/billing with 5 messages and 1 consumer");
                long seen = System.currentTimeMillis();
                while (System.currentTimeMillis() - seen < 4_000) { // four evaluations of the rules
                    assertThat(query(port, WITHOUT_CONSUMERS)).as("alerts while a consumer is connected").isEmpty();
                    Thread.sleep(250);
                }
            }

            RealProcesses.await(() -> !query(port, WITHOUT_CONSUMERS).isEmpty(), "NsqChannelWithoutConsumers is pending");
            List<JsonNode> alerts = query(port, WITHOUT_CONSUMERS);
            assertThat(alerts).hasSize(1);
            JsonNode labels = alerts.get(0).path("metric");
            assertThat(labels.path("alertstate").asText()).isEqualTo("pending");
            assertThat(labels.path("namespace").asText()).isEqualTo(NAMESPACE);
            assertThat(labels.path("severity").asText()).isEqualTo("warning");
            assertThat(query(port, "ALERTS{alertstate=\"firing\"}")).isEmpty();
            assertThat(query(port, "ALERTS{alertname!=\"NsqChannelWithoutConsumers\"}")).as("no other alert").isEmpty();

            checkDashboard(port);
        }
    }

    /** Every query of the dashboard (and of its variables) answers; the cluster, topic and channel ones with data. */
    private static void checkDashboard(int port) throws Exception {
        JsonNode dashboard = JSON.readTree(Manifests.DEPLOY.resolve("helm/jnsq-operator/dashboards/jnsq-cluster.json").toFile());
        Map<String, String> variables = Map.of("$namespace", NAMESPACE, "$topic", "orders", "$channel", "billing", "$__rate_interval", "30s");
        List<String> empty = new ArrayList<>();
        int queries = 0;
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                String expr = target.path("expr").asText();
                for (var v : variables.entrySet()) {
                    expr = expr.replace(v.getKey(), v.getValue());
                }
                assertThat(expr).as(panel.path("title").asText()).doesNotContain("$");
                List<JsonNode> result = query(port, expr); // fails on any error of Prometheus
                queries++;
                boolean expectsData = !expr.contains("nsqlookupd_") && !expr.contains("e2e_processing") && !expr.contains("fsync");
                if (expectsData && result.isEmpty()) {
                    empty.add(panel.path("title").asText() + ": " + expr);
                }
            }
        }
        assertThat(empty).as("dashboard queries without data").isEmpty();
        assertThat(queries).isGreaterThan(20);
        assertThat(labelValues(port, "namespace", "nsq_healthy")).containsExactly(NAMESPACE);
        assertThat(labelValues(port, "topic", "nsq_topic_depth{namespace=~\"" + NAMESPACE + "\"}")).containsExactly("orders");
        assertThat(labelValues(port, "channel", "nsq_channel_depth{namespace=~\"" + NAMESPACE + "\", topic=~\"orders\"}")).containsExactly("billing");
        JsonNode depth = query(port, "sum by (topic, channel) (nsq_channel_depth{namespace=~\"live\",topic=~\"orders\",channel=~\"billing\"})").get(0);
        assertThat(depth.at("/value/1").asText()).isEqualTo("5");
    }

    /** Prometheus on a free port, scraping nsqd's /metrics every second with the labels a Kubernetes scrape adds. */
    private static int startPrometheus(RealProcesses procs, Path binary, Path dir, int nsqdHttp) throws Exception {
        var rules = JSON.valueToTree(ClusterPrometheusRule.groups("{namespace=\"" + NAMESPACE + "\",job=\"" + JOB + "\"}"));
        Files.writeString(dir.resolve("rules.yaml"), new YAMLMapper().writeValueAsString(rules));
        Files.writeString(dir.resolve("prometheus.yml"), """
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                rule_files: [rules.yaml]
                scrape_configs:
                  - job_name: %s
                    static_configs:
                      - targets: ['127.0.0.1:%d']
                        labels: {namespace: %s, pod: nsqd-0}
                """.formatted(JOB, nsqdHttp, NAMESPACE));
        int port = RealProcesses.freePort();
        var run = procs.run(null, binary.toString(), "--config.file=" + dir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + Files.createDirectories(dir.resolve("tsdb")), "--web.listen-address=127.0.0.1:" + port);
        RealProcesses.await(() -> {
            if (!run.process().isAlive()) {
                throw new AssertionError("prometheus exited: " + read(run.log()));
            }
            return RealProcesses.get(port, "/-/ready").contains("Ready");
        }, "Prometheus is ready");
        RealProcesses.await(() -> !query(port, "up{job=\"" + JOB + "\"} == 1").isEmpty(), "Prometheus scrapes nsqd");
        JsonNode groups = JSON.readTree(RealProcesses.get(port, "/api/v1/rules")).at("/data/groups");
        assertThat(groups).as("rule groups loaded").hasSize(2);
        return port;
    }

    /** A TCP consumer subscribed to topic/channel, ready for nothing (RDY 0), until the socket closes. */
    private static Socket subscribe(int tcp, String topic, String channel) throws IOException {
        Socket s = new Socket("127.0.0.1", tcp);
        OutputStream out = s.getOutputStream();
        out.write(("  V2SUB " + topic + " " + channel + "\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        DataInputStream in = new DataInputStream(s.getInputStream());
        byte[] frame = new byte[in.readInt()];
        in.readFully(frame);
        assertThat(new String(frame, 4, frame.length - 4, StandardCharsets.US_ASCII)).isEqualTo("OK");
        return s;
    }

    /** The result vector of an instant query; fails the test when Prometheus answers with an error. */
    private static List<JsonNode> query(int port, String promql) {
        String body = RealProcesses.get(port, "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        JsonNode answer;
        try {
            answer = JSON.readTree(body);
        } catch (IOException e) {
            throw new AssertionError("not JSON for " + promql + ": " + body, e);
        }
        assertThat(answer.path("status").asText()).as(promql + " -> " + body).isEqualTo("success");
        List<JsonNode> out = new ArrayList<>();
        answer.at("/data/result").forEach(out::add);
        return out;
    }

    private static List<String> labelValues(int port, String label, String match) throws IOException {
        String body = RealProcesses.get(port, "/api/v1/label/" + label + "/values?match%5B%5D=" + URLEncoder.encode(match, StandardCharsets.UTF_8));
        JsonNode answer = JSON.readTree(body);
        assertThat(answer.path("status").asText()).as(body).isEqualTo("success");
        List<String> out = new ArrayList<>();
        answer.path("data").forEach(v -> out.add(v.asText()));
        return out;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }
}
