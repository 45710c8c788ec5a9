package io.jnsq.lookupd;

import io.jnsq.lookupd.RegistrationDB.Producer;
import io.jnsq.lookupd.RegistrationDB.Registration;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.prometheus.client.Collector;
import io.prometheus.client.GaugeMetricFamily;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * nsqlookupd's figures on {@code GET /metrics}, beside the JVM meters: the nsqds registered, topics, channels and
 * tombstones, overall and per topic, read from the registration database at each scrape.
 */
@Singleton
public class LookupdMetrics extends Collector {

    /** The metric names, in one place. */
    public static final String PRODUCERS = "nsqlookupd_producers";
    public static final String TOPICS = "nsqlookupd_topics";
    public static final String CHANNELS = "nsqlookupd_channels";
    public static final String TOMBSTONES = "nsqlookupd_tombstones";
    public static final String TOPIC_PRODUCERS = "nsqlookupd_topic_producers";
    public static final String TOPIC_CHANNELS = "nsqlookupd_topic_channels";
    public static final String TOPIC_TOMBSTONES = "nsqlookupd_topic_tombstones";

    private final RegistrationDB db;
    private final LookupdOptions opts;
    private final PrometheusMeterRegistry registry;

    public LookupdMetrics(RegistrationDB db, LookupdOptions opts, PrometheusMeterRegistry registry) {
        this.db = db;
        this.opts = opts;
        this.registry = registry;
    }

    void start(@Observes StartupEvent event) {
        register(registry.getPrometheusRegistry());
    }

    @Override
    public List<MetricFamilySamples> collect() {
        long lifetime = opts.tombstoneLifetime.toNanos();
        Set<String> peers = new HashSet<>();
        int topics = 0;
        int channels = 0;
        int tombstones = 0;
        Map<String, int[]> perTopic = new TreeMap<>(); // topic -> {producers, channels, tombstoned producers}
        for (Map.Entry<Registration, List<Producer>> e : db.snapshot().entrySet()) {
            Registration r = e.getKey();
            switch (r.category()) {
                case "client" -> e.getValue().forEach(p -> peers.add(p.peer.id));
                case "topic" -> {
                    topics++;
                    int[] t = perTopic.computeIfAbsent(r.key(), k -> new int[3]);
                    t[0] = e.getValue().size();
                    for (Producer p : e.getValue()) {
                        if (p.isTombstoned(lifetime)) {
                            t[2]++;
                            tombstones++;
                        }
                    }
                }
                case "channel" -> {
                    channels++;
                    perTopic.computeIfAbsent(r.key(), k -> new int[3])[1]++;
                }
                default -> {
                }
            }
        }
        List<MetricFamilySamples> out = new ArrayList<>();
        out.add(new GaugeMetricFamily(PRODUCERS, "nsqd instances connected and identified", peers.size()));
        out.add(new GaugeMetricFamily(TOPICS, "Topics registered", topics));
        out.add(new GaugeMetricFamily(CHANNELS, "Channels registered", channels));
        out.add(new GaugeMetricFamily(TOMBSTONES, "Topic producers tombstoned (within --tombstone-lifetime)", tombstones));
        GaugeMetricFamily tp = new GaugeMetricFamily(TOPIC_PRODUCERS, "nsqd instances that have the topic", List.of("topic"));
        GaugeMetricFamily tc = new GaugeMetricFamily(TOPIC_CHANNELS, "Channels registered for the topic", List.of("topic"));
        GaugeMetricFamily tt = new GaugeMetricFamily(TOPIC_TOMBSTONES, "nsqd instances tombstoned for the topic", List.of("topic"));
        perTopic.forEach((topic, t) -> {
            tp.addMetric(List.of(topic), t[0]);
            tc.addMetric(List.of(topic), t[1]);
            tt.addMetric(List.of(topic), t[2]);
        });
        out.add(tp);
        out.add(tc);
        out.add(tt);
        return out;
    }
}
