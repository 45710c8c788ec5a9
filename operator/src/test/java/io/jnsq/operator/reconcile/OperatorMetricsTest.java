package io.jnsq.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The operator's drain gauge: clusters counted while they drain, and forgotten when JOSDK cleans up a deleted one. */
class OperatorMetricsTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final OperatorMetrics metrics = new OperatorMetrics(registry);

    private double drainsActive() {
        return registry.get(OperatorMetrics.DRAINING).gauge().value();
    }

    @Test
    void aClusterDeletedMidDrainLeavesTheGauge() {
        metrics.draining("shop/demo", true);
        metrics.draining("mail/demo", true);
        assertThat(drainsActive()).isEqualTo(2);

        metrics.cleanupDone(new ResourceID("demo", "shop"), Map.of());
        assertThat(drainsActive()).isEqualTo(1);
        metrics.cleanupDone(new ResourceID("other", "mail"), Map.of()); // not draining: nothing changes
        assertThat(drainsActive()).isEqualTo(1);
        metrics.draining("mail/demo", false);
        assertThat(drainsActive()).isZero();
    }
}
