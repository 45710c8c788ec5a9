package io.jnsq.operator.model;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.jnsq.operator.NsqCluster;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The PrometheusRule of a cluster ({@code spec.monitoring.prometheusRule}): jnsq's alerts, read from the same file as
 * the Helm chart's rules ({@code deploy/helm/jnsq-operator/rules/jnsq-alerts.yaml}, on the classpath as
 * {@value #RULES}), with every series scoped to this cluster: its namespace and the jobs its ServiceMonitor gives them
 * (Prometheus Operator names a job after the Service, here the headless Services of nsqd and nsqlookupd). The
 * thresholds are the chart's defaults.
 */
public final class ClusterPrometheusRule {

    /** The classpath resource holding the rules, with {@code ${selector}} and threshold placeholders. */
    public static final String RULES = "/io/jnsq/operator/model/jnsq-alerts.yaml";
    /** A channel or topic holding more than this many messages while its depth grows is alerted on. */
    public static final long DEPTH_THRESHOLD = 1000;
    /** Timeouts or requeues per second over this (and over three times their hourly rate) are a spike. */
    public static final long SPIKE_MIN_PER_SECOND = 1;
    /** Disk queues over this many bytes that keep growing are alerted on. */
    public static final long DISK_QUEUE_BYTES_THRESHOLD = 1L << 30;

    private ClusterPrometheusRule() {
    }

    public static PrometheusRule of(NsqCluster cluster) {
        ClusterNames names = new ClusterNames(cluster);
        Map<String, String> labels = new LinkedHashMap<>(cluster.getSpec().monitoring.labels);
        labels.putAll(names.clusterLabels());
        PrometheusRule r = new PrometheusRule();
        r.setMetadata(new ObjectMetaBuilder().withName(names.prometheusRule()).withNamespace(names.namespace()).withLabels(labels).build());
        r.setSpec(groups(selector(names)));
        return r;
    }

    /** The PromQL label matchers of the cluster's own series, braces included. */
    static String selector(ClusterNames names) {
        String jobs = regexQuote(names.headless(ClusterNames.NSQD)) + "|" + regexQuote(names.headless(ClusterNames.LOOKUPD));
        return "{namespace=\"" + names.namespace() + "\",job=~\"" + jobs + "\"}";
    }

    /** A Service name as a PromQL regex: its dots literal (a backslash, itself escaped in the PromQL string). */
    private static String regexQuote(String name) {
        return name.replace(".", "\\\\.");
    }

    /** The rule groups with {@code selector} after each series name (empty: every namespace, as the chart has them). */
    public static PrometheusRule.Spec groups(String selector) {
        String text;
        try (InputStream in = ClusterPrometheusRule.class.getResourceAsStream(RULES)) {
            if (in == null) {
                throw new IllegalStateException(RULES + " is not on the classpath");
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        text = text.replace("${selector}", selector)
                .replace("${depthThreshold}", Long.toString(DEPTH_THRESHOLD))
                .replace("${spikeMinPerSecond}", Long.toString(SPIKE_MIN_PER_SECOND))
                .replace("${diskQueueBytesThreshold}", Long.toString(DISK_QUEUE_BYTES_THRESHOLD));
        return Serialization.unmarshal(text, PrometheusRule.Spec.class);
    }
}
