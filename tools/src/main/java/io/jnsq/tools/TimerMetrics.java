package io.jnsq.tools;

import java.util.Arrays;

/**
 * How long requests take, logged every {@code statusEvery} of them as bitly's timer_metrics does for nsq_to_http and
 * nsq_to_nsq: {@code <prefix> finished 250 - 99th: 1.20ms - 95th: 0.90ms - avg: 0.50ms}. 0 disables it.
 */
final class TimerMetrics {

    private final int statusEvery;
    private final String prefix;
    private final String logPrefix;
    private final long[] nanos;
    private int count;

    TimerMetrics(int statusEvery, String prefix, String logPrefix) {
        this.statusEvery = statusEvery;
        this.prefix = prefix;
        this.logPrefix = logPrefix;
        this.nanos = new long[Math.max(statusEvery, 0)];
    }

    /** Records one request that started at {@code startNanos} ({@link System#nanoTime()}). */
    synchronized void status(long startNanos) {
        if (statusEvery <= 0) {
            return;
        }
        nanos[count++] = System.nanoTime() - startNanos;
        if (count == statusEvery) {
            long[] sorted = nanos.clone();
            Arrays.sort(sorted);
            double avg = Arrays.stream(sorted).average().orElse(0);
            Tool.log(logPrefix, String.format("%s finished %d - 99th: %.02fms - 95th: %.02fms - avg: %.02fms",
                    prefix, statusEvery, ms(sorted[percentile(99)]), ms(sorted[percentile(95)]), avg / 1e6));
            count = 0;
        }
    }

    private int percentile(int p) {
        return Math.max(0, (int) Math.ceil(statusEvery * p / 100.0) - 1);
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
