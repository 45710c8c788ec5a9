package io.jnsq.operator.reconcile;

import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.jnsq.operator.drain.ScaleDown.Notice;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The operator's own figures on {@code /q/metrics}, beside JOSDK's {@code operator_sdk_*} (reconciles, failures,
 * durations): reconciles by outcome, each decision it told a cluster's owner about (an Event: created, scaled,
 * draining, drain timed out, ...) by reason, and the drains going on now. It also listens to JOSDK (as one of its
 * {@link Metrics}): a cluster deleted mid-drain is no longer counted once JOSDK has cleaned up after its deletion.
 */
public class OperatorMetrics implements Metrics {

    /** Micrometer names; Prometheus sees them as jnsq_operator_reconciles_total and so on. */
    static final String RECONCILES = "jnsq.operator.reconciles";
    static final String DECISIONS = "jnsq.operator.decisions";
    static final String DRAINING = "jnsq.operator.drains.active";

    private final MeterRegistry registry;
    private final Map<String, Boolean> draining = new ConcurrentHashMap<>();

    public OperatorMetrics(MeterRegistry registry) {
        this.registry = registry;
        registry.gauge(DRAINING, draining, Map::size);
    }

    /** A reconcile ended: {@code applied}, {@code paused} or {@code invalid}. */
    void reconciled(String outcome) {
        registry.counter(RECONCILES, "outcome", outcome).increment();
    }

    void decided(Notice notice) {
        registry.counter(DECISIONS, "reason", notice.reason(), "type", notice.warning() ? "Warning" : "Normal").increment();
    }

    /** Whether a cluster ({@code namespace/name}) is draining a broker now. */
    void draining(String cluster, boolean now) {
        if (now) {
            draining.put(cluster, true);
        } else {
            draining.remove(cluster);
        }
    }

    /** JOSDK's word that an NsqCluster is gone (the controller has no finalizer: called on its delete event). */
    @Override
    public void cleanupDone(ResourceID cluster, Map<String, Object> metadata) {
        draining.remove(cluster.getNamespace().orElse("") + "/" + cluster.getName());
    }
}
