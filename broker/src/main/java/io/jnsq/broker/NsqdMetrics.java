package io.jnsq.broker;

import io.jnsq.cli.NsqVersion;
import io.jnsq.protocol.stats.ChannelStats;
import io.jnsq.protocol.stats.ClientStats;
import io.jnsq.protocol.stats.LatencyStats;
import io.jnsq.protocol.stats.NsqdStats;
import io.jnsq.protocol.stats.TopicStats;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.prometheus.client.Collector.MetricFamilySamples;
import io.prometheus.client.CounterMetricFamily;
import io.prometheus.client.GaugeMetricFamily;
import io.prometheus.client.Histogram;
import io.prometheus.client.exporter.common.TextFormat;
import io.quarkus.runtime.StartupEvent;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * nsqd's figures for Prometheus on {@code GET /metrics}: per topic, channel and (with {@code ?clients=true}) client,
 * and per broker, computed at each scrape from the state {@code /stats} reads, followed by the JVM and Netty meters
 * of Micrometer's registry. Prometheus text 0.0.4, or OpenMetrics 1.0 when the {@code Accept} header asks for it.
 * Nothing is counted on the message path: a scrape costs what a {@code /stats} call costs.
 */
@Singleton
public class NsqdMetrics {

    private static final Logger LOG = Logger.getLogger(NsqdMetrics.class);

    /** The metric names, in one place (the Grafana dashboard and the alert rules use them too). */
    public static final String TOPIC_DEPTH = "nsq_topic_depth";
    public static final String TOPIC_MEMORY_DEPTH = "nsq_topic_memory_depth";
    public static final String TOPIC_BACKEND_DEPTH = "nsq_topic_backend_depth";
    public static final String TOPIC_MESSAGES = "nsq_topic_messages";
    public static final String TOPIC_MESSAGE_BYTES = "nsq_topic_message_bytes";
    public static final String TOPIC_CHANNELS = "nsq_topic_channels";
    public static final String TOPIC_PAUSED = "nsq_topic_paused";
    public static final String TOPIC_E2E = "nsq_topic_e2e_processing_latency_seconds";
    public static final String CHANNEL_DEPTH = "nsq_channel_depth";
    public static final String CHANNEL_MEMORY_DEPTH = "nsq_channel_memory_depth";
    public static final String CHANNEL_BACKEND_DEPTH = "nsq_channel_backend_depth";
    public static final String CHANNEL_IN_FLIGHT = "nsq_channel_in_flight";
    public static final String CHANNEL_DEFERRED = "nsq_channel_deferred";
    public static final String CHANNEL_MESSAGES = "nsq_channel_messages";
    public static final String CHANNEL_REQUEUED = "nsq_channel_requeued";
    public static final String CHANNEL_TIMED_OUT = "nsq_channel_timed_out";
    public static final String CHANNEL_CLIENTS = "nsq_channel_clients";
    public static final String CHANNEL_PAUSED = "nsq_channel_paused";
    public static final String CHANNEL_E2E = "nsq_channel_e2e_processing_latency_seconds";
    public static final String CLIENT_READY = "nsq_client_ready_count";
    public static final String CLIENT_IN_FLIGHT = "nsq_client_in_flight";
    public static final String CLIENT_MESSAGES = "nsq_client_messages";
    public static final String CLIENT_FINISHED = "nsq_client_finished";
    public static final String CLIENT_REQUEUED = "nsq_client_requeued";
    public static final String CLIENT_CONNECTED_SINCE = "nsq_client_connect_time_seconds";
    public static final String PRODUCER_PUBLISHED = "nsq_producer_published";
    public static final String INFO = "nsq_info";
    public static final String HEALTHY = "nsq_healthy";
    public static final String START_TIME = "nsq_start_time_seconds";
    public static final String CONNECTIONS = "nsq_client_connections";
    public static final String TOPICS = "nsq_topics";
    public static final String CHANNELS = "nsq_channels";
    public static final String DISK_QUEUE_BYTES = "nsq_disk_queue_bytes";
    public static final String FSYNC = "nsq_fsync_duration_seconds";
    /** The counters among them: exposed with {@code _total}. */
    public static final Set<String> COUNTERS = Set.of(TOPIC_MESSAGES, TOPIC_MESSAGE_BYTES, CHANNEL_MESSAGES, CHANNEL_REQUEUED,
            CHANNEL_TIMED_OUT, CLIENT_MESSAGES, CLIENT_FINISHED, CLIENT_REQUEUED, PRODUCER_PUBLISHED);
    /** The histograms among them: exposed as {@code _bucket}, {@code _count} and {@code _sum}. */
    public static final Set<String> HISTOGRAMS = Set.of(FSYNC);

    private static final List<String> TOPIC = List.of("topic");
    private static final List<String> CHANNEL = List.of("topic", "channel");
    private static final List<String> CLIENT = List.of("topic", "channel", "client_id", "hostname", "remote_address");

    private final Nsqd nsqd;
    private final TcpServer tcp;
    private final PrometheusMeterRegistry registry;
    private final Path dataPath;
    private final Histogram fsyncs = Histogram.build(FSYNC, "How long a disk queue took to fsync its data and metadata")
            .buckets(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5).create();

    @Inject
    public NsqdMetrics(Nsqd nsqd, TcpServer tcp, NsqdOptions options, PrometheusMeterRegistry registry) {
        this.nsqd = nsqd;
        this.tcp = tcp;
        this.registry = registry;
        this.dataPath = Path.of(options.dataPath.isEmpty() ? "." : options.dataPath);
    }

    void start(@Observes StartupEvent event) {
        nsqd.backends().onSync(nanos -> fsyncs.observe(nanos / 1e9));
    }

    void routes(@Observes Router router) {
        // before Quarkus' own /metrics handler, which knows neither nsqd's state nor ?clients=true
        router.get("/metrics").order(-150).blockingHandler(this::scrape, false);
    }

    private void scrape(RoutingContext ctx) {
        String type = TextFormat.chooseContentType(ctx.request().getHeader("Accept"));
        boolean clients = "true".equals(ctx.request().getParam("clients")) || "1".equals(ctx.request().getParam("clients"));
        StringWriter out = new StringWriter(16 * 1024);
        try {
            List<MetricFamilySamples> all = collect(clients);
            all.addAll(Collections.list(registry.getPrometheusRegistry().metricFamilySamples()));
            TextFormat.writeFormat(type, out, Collections.enumeration(all));
        } catch (IOException | RuntimeException e) {
            LOG.errorf("metrics: scrape failed: %s", e.toString());
            ctx.response().setStatusCode(500).putHeader("Content-Type", "text/plain; charset=utf-8").end("scrape failed\n");
            return;
        }
        ctx.response().putHeader("Content-Type", type).end(out.toString());
    }

    /** nsqd's figures as metric families, from one {@code /stats} snapshot. */
    List<MetricFamilySamples> collect(boolean withClients) {
        NsqdStats stats = nsqd.stats(null, null, withClients, false);
        Families f = new Families();

        f.gauge(INFO, "The NSQ version this nsqd speaks", List.of("version")).addMetric(List.of(NsqVersion.NSQ), 1);
        f.gauge(HEALTHY, "1 while nsqd is healthy (its /ping answers OK), 0 after a storage fault", List.of())
                .addMetric(List.of(), nsqd.isHealthy() ? 1 : 0);
        f.gauge(START_TIME, "When nsqd started, in seconds since the epoch", List.of()).addMetric(List.of(), stats.startTime());
        f.gauge(CONNECTIONS, "Open TCP client connections", List.of()).addMetric(List.of(), tcp.connections());
        f.gauge(TOPICS, "Topics", List.of()).addMetric(List.of(), stats.topics().size());
        f.gauge(CHANNELS, "Channels over all topics", List.of())
                .addMetric(List.of(), stats.topics().stream().mapToInt(t -> t.channels().size()).sum());
        f.gauge(DISK_QUEUE_BYTES, "Bytes of the disk queue files in --data-path", List.of()).addMetric(List.of(), diskQueueBytes());

        GaugeMetricFamily tDepth = f.gauge(TOPIC_DEPTH, "Messages the topic holds (no channel yet, or paused): memory + backend", TOPIC);
        GaugeMetricFamily tMem = f.gauge(TOPIC_MEMORY_DEPTH, "Messages the topic holds in memory", TOPIC);
        GaugeMetricFamily tBackend = f.gauge(TOPIC_BACKEND_DEPTH, "Messages the topic holds in its disk queue", TOPIC);
        CounterMetricFamily tMessages = f.counter(TOPIC_MESSAGES, "Messages published to the topic", TOPIC);
        CounterMetricFamily tBytes = f.counter(TOPIC_MESSAGE_BYTES, "Bytes of message bodies published to the topic", TOPIC);
        GaugeMetricFamily tChannels = f.gauge(TOPIC_CHANNELS, "Channels of the topic", TOPIC);
        GaugeMetricFamily tPaused = f.gauge(TOPIC_PAUSED, "1 while the topic is paused", TOPIC);
        GaugeMetricFamily tE2e = f.gauge(TOPIC_E2E, "End-to-end processing latency (publish to FIN) over the window, per quantile",
                List.of("topic", "quantile"));
        GaugeMetricFamily cDepth = f.gauge(CHANNEL_DEPTH, "Messages waiting in the channel: memory + backend", CHANNEL);
        GaugeMetricFamily cMem = f.gauge(CHANNEL_MEMORY_DEPTH, "Messages waiting in the channel's memory queue", CHANNEL);
        GaugeMetricFamily cBackend = f.gauge(CHANNEL_BACKEND_DEPTH, "Messages waiting in the channel's disk queue", CHANNEL);
        GaugeMetricFamily cInFlight = f.gauge(CHANNEL_IN_FLIGHT, "Messages sent to consumers and not yet finished", CHANNEL);
        GaugeMetricFamily cDeferred = f.gauge(CHANNEL_DEFERRED, "Messages deferred (DPUB, REQ with delay)", CHANNEL);
        CounterMetricFamily cMessages = f.counter(CHANNEL_MESSAGES, "Messages the channel received from its topic", CHANNEL);
        CounterMetricFamily cRequeued = f.counter(CHANNEL_REQUEUED, "Messages requeued by consumers (REQ)", CHANNEL);
        CounterMetricFamily cTimedOut = f.counter(CHANNEL_TIMED_OUT, "In-flight messages that timed out and were requeued", CHANNEL);
        GaugeMetricFamily cClients = f.gauge(CHANNEL_CLIENTS, "Consumers subscribed to the channel", CHANNEL);
        GaugeMetricFamily cPaused = f.gauge(CHANNEL_PAUSED, "1 while the channel is paused", CHANNEL);
        GaugeMetricFamily cE2e = f.gauge(CHANNEL_E2E, "End-to-end processing latency (publish to FIN) over the window, per quantile",
                List.of("topic", "channel", "quantile"));
        Clients cl = withClients ? new Clients(f) : null;

        for (TopicStats t : stats.topics()) {
            List<String> tl = List.of(t.topicName());
            tDepth.addMetric(tl, t.depth());
            tMem.addMetric(tl, t.depth() - t.backendDepth());
            tBackend.addMetric(tl, t.backendDepth());
            tMessages.addMetric(tl, t.messageCount());
            tBytes.addMetric(tl, t.messageBytes());
            tChannels.addMetric(tl, t.channels().size());
            tPaused.addMetric(tl, t.paused() ? 1 : 0);
            quantiles(tE2e, tl, t.e2eProcessingLatency());
            for (ChannelStats c : t.channels()) {
                List<String> l = List.of(t.topicName(), c.channelName());
                cDepth.addMetric(l, c.depth());
                cMem.addMetric(l, c.depth() - c.backendDepth());
                cBackend.addMetric(l, c.backendDepth());
                cInFlight.addMetric(l, c.inFlightCount());
                cDeferred.addMetric(l, c.deferredCount());
                cMessages.addMetric(l, c.messageCount());
                cRequeued.addMetric(l, c.requeueCount());
                cTimedOut.addMetric(l, c.timeoutCount());
                cClients.addMetric(l, c.clientCount());
                cPaused.addMetric(l, c.paused() ? 1 : 0);
                quantiles(cE2e, l, c.e2eProcessingLatency());
                if (cl != null && c.clients() != null) {
                    for (ClientStats client : c.clients()) {
                        cl.add(t.topicName(), c.channelName(), client);
                    }
                }
            }
        }
        if (cl != null && stats.producers() != null) {
            for (ClientStats p : stats.producers()) {
                cl.addProducer(p);
            }
        }
        List<MetricFamilySamples> out = f.all;
        out.addAll(fsyncs.collect());
        return out;
    }

    private static void quantiles(GaugeMetricFamily family, List<String> labels, LatencyStats e2e) {
        if (e2e == null || e2e.percentiles() == null) {
            return;
        }
        for (Map<String, Double> p : e2e.percentiles()) {
            List<String> l = new ArrayList<>(labels);
            l.add(Double.toString(p.get("quantile")));
            family.addMetric(l, p.get("value") / 1e9);
        }
    }

    /** Bytes of nsqd's disk queue segment files ({@code <name>.diskqueue.NNNNNN.dat}). */
    private long diskQueueBytes() {
        long bytes = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dataPath, "*.diskqueue.[0-9]*.dat")) {
            for (Path p : files) {
                try {
                    bytes += Files.size(p);
                } catch (IOException e) {
                    // deleted since it was listed: fully read, it no longer counts
                }
            }
        } catch (IOException e) {
            LOG.debugf("metrics: cannot list %s: %s", dataPath, e.getMessage());
        }
        return bytes;
    }

    /** The families of one scrape, in the order they are made. */
    private static final class Families {
        final List<MetricFamilySamples> all = new ArrayList<>();

        GaugeMetricFamily gauge(String name, String help, List<String> labels) {
            GaugeMetricFamily g = new GaugeMetricFamily(name, help, labels);
            all.add(g);
            return g;
        }

        CounterMetricFamily counter(String name, String help, List<String> labels) {
            CounterMetricFamily c = new CounterMetricFamily(name, help, labels);
            all.add(c);
            return c;
        }
    }

    /** The per-client families, made only when {@code ?clients=true} asks for them (one series set per connection). */
    private static final class Clients {
        final GaugeMetricFamily ready;
        final GaugeMetricFamily inFlight;
        final CounterMetricFamily messages;
        final CounterMetricFamily finished;
        final CounterMetricFamily requeued;
        final GaugeMetricFamily connected;
        final CounterMetricFamily published;

        Clients(Families f) {
            ready = f.gauge(CLIENT_READY, "The consumer's RDY count", CLIENT);
            inFlight = f.gauge(CLIENT_IN_FLIGHT, "Messages in flight to the consumer", CLIENT);
            messages = f.counter(CLIENT_MESSAGES, "Messages sent to the consumer", CLIENT);
            finished = f.counter(CLIENT_FINISHED, "Messages the consumer finished (FIN)", CLIENT);
            requeued = f.counter(CLIENT_REQUEUED, "Messages the consumer requeued (REQ)", CLIENT);
            connected = f.gauge(CLIENT_CONNECTED_SINCE, "When the consumer connected, in seconds since the epoch", CLIENT);
            published = f.counter(PRODUCER_PUBLISHED, "Messages a producer published to a topic",
                    List.of("topic", "client_id", "hostname", "remote_address"));
        }

        void add(String topic, String channel, ClientStats c) {
            List<String> l = List.of(topic, channel, c.clientId(), c.hostname(), c.remoteAddress());
            ready.addMetric(l, c.readyCount());
            inFlight.addMetric(l, c.inFlightCount());
            messages.addMetric(l, c.messageCount());
            finished.addMetric(l, c.finishCount());
            requeued.addMetric(l, c.requeueCount());
            connected.addMetric(l, c.connectTs());
        }

        void addProducer(ClientStats p) {
            if (p.pubCounts() == null) {
                return;
            }
            for (ClientStats.PubCount count : p.pubCounts()) {
                published.addMetric(List.of(count.topic(), p.clientId(), p.hostname(), p.remoteAddress()), count.count());
            }
        }
    }
}
