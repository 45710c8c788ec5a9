package io.jnsq.broker;

import static org.assertj.core.api.Assertions.assertThat;

import io.jnsq.protocol.Message;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /metrics} over HTTP against a broker in a known state: exact names, labels and values per topic, channel,
 * client and broker, in Prometheus text and in OpenMetrics, with the JVM meters still there.
 */
@QuarkusTest
@TestProfile(MetricsBroker.Profile.class)
class NsqdMetricsTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})? (\\S+)$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    @TestHTTPResource("/")
    URL base;

    @Inject
    TcpServer tcp;

    @Inject
    Nsqd nsqd;

    private HttpResponse<String> http(String method, String path, String accept) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base.toString().replaceAll("/$", "") + path))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (accept != null) {
            b.header("Accept", accept);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private void post(String path, String body) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base.toString().replaceAll("/$", "") + path))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path).isEqualTo(200);
    }

    /** The samples of a scrape, keyed {@code name{label="value",...}} (labels in exposition order, no trailing comma). */
    static Map<String, Double> samples(String body) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (String line : body.split("\n")) {
            if (line.startsWith("#") || line.isBlank()) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            assertThat(m.matches()).as("a sample line: " + line).isTrue();
            StringBuilder key = new StringBuilder(m.group(1));
            if (m.group(3) != null && !m.group(3).isEmpty()) {
                Matcher l = LABEL.matcher(m.group(3));
                StringBuilder labels = new StringBuilder();
                while (l.find()) {
                    labels.append(labels.length() == 0 ? "" : ",").append(l.group(1)).append("=\"").append(l.group(2)).append('"');
                }
                key.append('{').append(labels).append('}');
            }
            out.put(key.toString(), Double.parseDouble(m.group(4)));
        }
        return out;
    }

    private Map<String, Double> scrape(String query) throws Exception {
        HttpResponse<String> r = http("GET", "/metrics" + query, null);
        assertThat(r.statusCode()).isEqualTo(200);
        return samples(r.body());
    }

    private Map<String, Double> scrapeUntil(Predicate<Map<String, Double>> done) throws Exception {
        long deadline = System.currentTimeMillis() + 10_000;
        Map<String, Double> s = scrape("");
        while (!done.test(s) && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
            s = scrape("");
        }
        return s;
    }

    @Test
    void topicsChannelsClientsAndTheBrokerHaveTheirFigures() throws Exception {
        post("/topic/create?topic=m_orders", "");
        post("/channel/create?topic=m_orders&channel=audit", "");
        post("/channel/pause?topic=m_orders&channel=audit", "");
        try (V2Client billing = V2Client.connect(tcp.port());
             V2Client slow = V2Client.connect(tcp.port());
             V2Client producer = V2Client.connect(tcp.port())) {
            billing.identify("{\"client_id\":\"billing-worker\",\"hostname\":\"worker-1\",\"user_agent\":\"metrics-test/1.0\",\"msg_timeout\":60000}");
            billing.subscribe("m_orders", "billing").command("RDY 3");
            slow.identify("{\"client_id\":\"slow-worker\",\"hostname\":\"worker-2\"}");
            slow.subscribe("m_orders", "slow").command("RDY 1");
            post("/mpub?topic=m_orders", "a\nbb\nccc");

            Message first = billing.readMessage();
            Message second = billing.readMessage();
            billing.readMessage(); // the third stays in flight
            billing.command("FIN " + first.idString());
            billing.command("REQ " + second.idString() + " 60000");
            slow.readMessage(); // never finished: times out after --msg-timeout=1s, and RDY 0 keeps it here
            slow.command("RDY 0");
            producer.publish("m_held", "kept");
            producer.publish("m_held", "too");

            Map<String, Double> s = scrapeUntil(x -> x.getOrDefault("nsq_channel_timed_out_total{topic=\"m_orders\",channel=\"slow\"}", 0.0) >= 1
                    && x.getOrDefault("nsq_channel_deferred{topic=\"m_orders\",channel=\"billing\"}", 0.0) == 1
                    && x.get("nsq_client_connections") == 3);

            assertThat(s).containsEntry("nsq_topic_depth{topic=\"m_orders\"}", 0.0)
                    .containsEntry("nsq_topic_messages_total{topic=\"m_orders\"}", 3.0)
                    .containsEntry("nsq_topic_message_bytes_total{topic=\"m_orders\"}", 6.0)
                    .containsEntry("nsq_topic_channels{topic=\"m_orders\"}", 3.0)
                    .containsEntry("nsq_topic_paused{topic=\"m_orders\"}", 0.0)
                    .containsEntry("nsq_topic_depth{topic=\"m_held\"}", 2.0)
                    .containsEntry("nsq_topic_memory_depth{topic=\"m_held\"}", 2.0)
                    .containsEntry("nsq_topic_backend_depth{topic=\"m_held\"}", 0.0)
                    .containsEntry("nsq_topic_channels{topic=\"m_held\"}", 0.0);
            // billing: one finished, one deferred by REQ, one in flight
            assertThat(s).containsEntry("nsq_channel_depth{topic=\"m_orders\",channel=\"billing\"}", 0.0)
                    .containsEntry("nsq_channel_in_flight{topic=\"m_orders\",channel=\"billing\"}", 1.0)
                    .containsEntry("nsq_channel_deferred{topic=\"m_orders\",channel=\"billing\"}", 1.0)
                    .containsEntry("nsq_channel_messages_total{topic=\"m_orders\",channel=\"billing\"}", 3.0)
                    .containsEntry("nsq_channel_requeued_total{topic=\"m_orders\",channel=\"billing\"}", 1.0)
                    .containsEntry("nsq_channel_timed_out_total{topic=\"m_orders\",channel=\"billing\"}", 0.0)
                    .containsEntry("nsq_channel_clients{topic=\"m_orders\",channel=\"billing\"}", 1.0)
                    .containsEntry("nsq_channel_paused{topic=\"m_orders\",channel=\"billing\"}", 0.0);
            // audit: paused, no consumer, everything waiting in memory
            assertThat(s).containsEntry("nsq_channel_depth{topic=\"m_orders\",channel=\"audit\"}", 3.0)
                    .containsEntry("nsq_channel_memory_depth{topic=\"m_orders\",channel=\"audit\"}", 3.0)
                    .containsEntry("nsq_channel_backend_depth{topic=\"m_orders\",channel=\"audit\"}", 0.0)
                    .containsEntry("nsq_channel_clients{topic=\"m_orders\",channel=\"audit\"}", 0.0)
                    .containsEntry("nsq_channel_paused{topic=\"m_orders\",channel=\"audit\"}", 1.0);
            // slow: its one delivery timed out and waits again with the two it never took
            assertThat(s).containsEntry("nsq_channel_timed_out_total{topic=\"m_orders\",channel=\"slow\"}", 1.0)
                    .containsEntry("nsq_channel_depth{topic=\"m_orders\",channel=\"slow\"}", 3.0)
                    .containsEntry("nsq_channel_in_flight{topic=\"m_orders\",channel=\"slow\"}", 0.0);
            // E2E latency of the one FIN, per configured quantile, in seconds
            assertThat(s.get("nsq_channel_e2e_processing_latency_seconds{topic=\"m_orders\",channel=\"billing\",quantile=\"1.0\"}"))
                    .isGreaterThan(0.0).isLessThan(30.0);
            assertThat(s).containsKey("nsq_channel_e2e_processing_latency_seconds{topic=\"m_orders\",channel=\"billing\",quantile=\"0.5\"}")
                    .containsKey("nsq_topic_e2e_processing_latency_seconds{topic=\"m_orders\",quantile=\"1.0\"}");
            // the broker
            int channels = nsqd.topicsAndChannels().values().stream().mapToInt(java.util.Set::size).sum();
            assertThat(s).containsEntry("nsq_healthy", 1.0)
                    .containsEntry("nsq_client_connections", 3.0)
                    .containsEntry("nsq_topics", (double) nsqd.topicsAndChannels().size())
                    .containsEntry("nsq_channels", (double) channels)
                    .containsEntry("nsq_info{version=\"1.3.0\"}", 1.0)
                    .containsEntry("nsq_start_time_seconds", (double) nsqd.startTime());
            // per client only when asked
            assertThat(s.keySet()).noneMatch(k -> k.startsWith("nsq_client_ready_count") || k.startsWith("nsq_producer_"));

            Map<String, Double> withClients = scrape("?clients=true");
            String who = "topic=\"m_orders\",channel=\"billing\",client_id=\"billing-worker\",hostname=\"worker-1\",remote_address=\"127.0.0.1:"
                    + billing.localPort() + "\"";
            assertThat(withClients).containsEntry("nsq_client_ready_count{" + who + "}", 3.0)
                    .containsEntry("nsq_client_in_flight{" + who + "}", 1.0)
                    .containsEntry("nsq_client_messages_total{" + who + "}", 3.0)
                    .containsEntry("nsq_client_finished_total{" + who + "}", 1.0)
                    .containsEntry("nsq_client_requeued_total{" + who + "}", 1.0);
            assertThat(withClients.keySet()).anyMatch(k -> k.startsWith("nsq_producer_published_total{topic=\"m_held\",")
                    && k.contains("remote_address=\"127.0.0.1:" + producer.localPort() + "\""));
            assertThat(withClients.entrySet()).anyMatch(e -> e.getKey().startsWith("nsq_producer_published_total{topic=\"m_held\",")
                    && e.getValue() == 2.0);
        }
    }

    @Test
    void diskQueueBytesAndFsyncLatencyAreReported() throws Exception {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < 150; i++) {
            body.append("x\n");
        }
        post("/mpub?topic=m_disk", body.toString()); // no channel: 100 stay in memory, 50 go to the disk queue
        Map<String, Double> s = scrapeUntil(x -> x.getOrDefault("nsq_fsync_duration_seconds_count", 0.0) > 0);
        assertThat(s).containsEntry("nsq_topic_memory_depth{topic=\"m_disk\"}", 100.0)
                .containsEntry("nsq_topic_backend_depth{topic=\"m_disk\"}", 50.0)
                // 50 records of a 4-byte size, the 26-byte message header and a 1-byte body
                .containsEntry("nsq_disk_queue_bytes", 50.0 * (4 + 26 + 1));
        assertThat(s.get("nsq_fsync_duration_seconds_count")).isGreaterThan(0.0);
        assertThat(s).containsKey("nsq_fsync_duration_seconds_bucket{le=\"+Inf\"}").containsKey("nsq_fsync_duration_seconds_sum");
    }

    @Test
    void theHeapPressureMetersBuiltAfterStartAppearToo() throws Exception {
        String body = "";
        for (long end = System.nanoTime() + 10_000_000_000L; System.nanoTime() < end; Thread.sleep(50)) {
            body = http("GET", "/metrics", "text/plain").body();
            if (body.contains("\njvm_gc_overhead")) {
                break;
            }
        }
        assertThat(body).contains("# TYPE jvm_gc_overhead gauge\n", "\njvm_gc_overhead");
    }

    @Test
    void prometheusTextByDefaultAndOpenMetricsWhenAskedWithTheJvmMetersKept() throws Exception {
        post("/pub?topic=m_formats", "x");
        HttpResponse<String> text = http("GET", "/metrics", "text/plain");
        assertThat(text.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        assertThat(text.body()).contains("# TYPE nsq_topic_messages_total counter\n")
                .contains("# TYPE nsq_topic_depth gauge\n")
                .contains("# HELP nsq_topic_depth ")
                .contains("jvm_memory_used_bytes{")
                .contains("jvm_gc_memory_allocated_bytes_total", "jvm_threads_live_threads", "jvm_classes_loaded_classes", "jvm_info_total{")
                .contains("process_uptime_seconds", "system_cpu_count", "process_files_open_files")
                .doesNotContain("tcp_bytes_read"); // Vert.x's per-read transport meters cost throughput: not built in
        assertThat(samples(text.body())).containsEntry("nsq_topic_messages_total{topic=\"m_formats\"}", 1.0);

        HttpResponse<String> om = http("GET", "/metrics", "application/openmetrics-text; version=1.0.0; charset=utf-8");
        assertThat(om.headers().firstValue("Content-Type")).hasValue("application/openmetrics-text; version=1.0.0; charset=utf-8");
        assertThat(om.body()).contains("# TYPE nsq_topic_messages counter\n").endsWith("# EOF\n");
        Map<String, Double> s = samples(om.body().replace("# EOF\n", ""));
        assertThat(s).containsEntry("nsq_topic_messages_total{topic=\"m_formats\"}", 1.0);
        assertThat(Collections.frequency(om.body().lines().toList(), "# TYPE nsq_topic_depth gauge")).isEqualTo(1);
    }

    @Test
    void everyNameConstantIsExposedWithItsType() throws Exception {
        String body = http("GET", "/metrics?clients=true", "text/plain").body();
        for (java.lang.reflect.Field f : NsqdMetrics.class.getFields()) {
            if (f.getType() != String.class) {
                continue;
            }
            String name = (String) f.get(null);
            if (NsqdMetrics.COUNTERS.contains(name)) {
                assertThat(body).contains("# TYPE " + name + "_total counter\n");
            } else if (NsqdMetrics.HISTOGRAMS.contains(name)) {
                assertThat(body).contains("# TYPE " + name + " histogram\n");
            } else {
                assertThat(body).contains("# TYPE " + name + " gauge\n");
            }
        }
    }
}
