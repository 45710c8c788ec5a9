package io.jnsq.broker;

import io.jnsq.protocol.stats.LatencyStats;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * End-to-end processing latency (publish to FIN) over a sliding window, for the percentiles given with
 * {@code --e2e-processing-latency-percentile}. Two half-window buckets rotate, as nsqd's quantile does; each keeps at
 * most {@link #MAX_SAMPLES} samples (a uniform reservoir), which bounds memory whatever the rate. A bucket's samples
 * grow with use, so the windows of thousands of quiet topics and channels (or of a broker without percentiles) cost
 * next to nothing.
 */
final class LatencyWindow {

    private static final int MAX_SAMPLES = 4096;
    /** The window of every topic and channel of a broker without percentiles: one shared object that keeps nothing. */
    static final LatencyWindow DISABLED = new LatencyWindow(List.of(), 1);

    private final double[] percentiles;
    private final long halfWindowNanos;
    private Bucket current;
    private Bucket previous;

    LatencyWindow(List<Double> percentiles, long windowNanos) {
        this.percentiles = percentiles.stream().mapToDouble(Double::doubleValue).toArray();
        this.halfWindowNanos = Math.max(1, windowNanos / 2);
        this.current = new Bucket(System.nanoTime());
        this.previous = new Bucket(current.start);
    }

    boolean enabled() {
        return percentiles.length > 0;
    }

    void record(long latencyNanos) {
        if (enabled()) {
            synchronized (this) {
                rotate(System.nanoTime());
                current.add(latencyNanos);
            }
        }
    }

    LatencyStats stats() {
        return enabled() ? enabledStats() : LatencyStats.EMPTY;
    }

    private synchronized LatencyStats enabledStats() {
        rotate(System.nanoTime());
        long[] all = new long[current.kept + previous.kept];
        if (current.kept > 0) {
            System.arraycopy(current.samples, 0, all, 0, current.kept);
        }
        if (previous.kept > 0) {
            System.arraycopy(previous.samples, 0, all, current.kept, previous.kept);
        }
        Arrays.sort(all);
        List<Map<String, Double>> out = new ArrayList<>();
        for (double p : percentiles) {
            double value = all.length == 0 ? 0 : all[Math.min(all.length - 1, (int) Math.ceil(p * all.length) - 1)];
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("quantile", p);
            m.put("value", value);
            out.add(m);
        }
        return new LatencyStats(current.seen + previous.seen, out);
    }

    private void rotate(long now) {
        if (now - current.start >= halfWindowNanos) {
            previous = now - current.start >= 2 * halfWindowNanos ? new Bucket(now) : current;
            current = new Bucket(now);
        }
    }

    private static final class Bucket {
        final long start;
        long[] samples;
        int kept;
        long seen;

        Bucket(long start) {
            this.start = start;
        }

        void add(long v) {
            seen++;
            if (kept < MAX_SAMPLES) {
                if (samples == null || kept == samples.length) {
                    samples = samples == null ? new long[64] : Arrays.copyOf(samples, Math.min(MAX_SAMPLES, kept * 2));
                }
                samples[kept++] = v;
            } else {
                long slot = java.util.concurrent.ThreadLocalRandom.current().nextLong(seen);
                if (slot < MAX_SAMPLES) {
                    samples[(int) slot] = v;
                }
            }
        }
    }
}
