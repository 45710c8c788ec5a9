package io.jnsq.broker;

import static org.assertj.core.api.Assertions.assertThat;

import io.jnsq.protocol.stats.LatencyStats;
import java.util.List;
import org.junit.jupiter.api.Test;

class LatencyWindowTest {

    @Test
    void withoutPercentilesStatsAreNsqdsEmptyResult() {
        LatencyWindow w = new LatencyWindow(List.of(), 600_000_000_000L);
        w.record(5);
        assertThat(w.stats()).isEqualTo(LatencyStats.EMPTY);
    }

    @Test
    void reportsEachConfiguredQuantileOverTheSamples() {
        LatencyWindow w = new LatencyWindow(List.of(1.0, 0.99, 0.5), 600_000_000_000L);
        for (int i = 1; i <= 100; i++) {
            w.record(i * 1_000_000L);
        }
        LatencyStats s = w.stats();
        assertThat(s.count()).isEqualTo(100);
        assertThat(s.percentiles()).hasSize(3);
        assertThat(s.percentiles().get(0)).containsEntry("quantile", 1.0).containsEntry("value", 100_000_000.0);
        assertThat(s.percentiles().get(1)).containsEntry("quantile", 0.99).containsEntry("value", 99_000_000.0);
        assertThat(s.percentiles().get(2)).containsEntry("quantile", 0.5).containsEntry("value", 50_000_000.0);
    }

    @Test
    void oldSamplesLeaveTheWindow() throws Exception {
        LatencyWindow w = new LatencyWindow(List.of(0.5), 100_000_000L);
        w.record(42);
        Thread.sleep(250);
        assertThat(w.stats().count()).isZero();
    }
}
