package io.jnsq.bench;

import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** The summary line and the optional synchronised start that NSQ's bench tools share. */
final class BenchSummary {

    private BenchSummary() {
    }

    static String line(Duration duration, long messages, int size) {
        double seconds = duration.toNanos() / 1e9;
        return String.format(Locale.ROOT, "duration: %s - %.03fmb/s - %.03fops/s - %.03fus/op",
                io.jnsq.cli.GoDuration.format(duration), messages * (double) size / seconds / 1024 / 1024,
                messages / seconds, messages == 0 ? 0.0 : duration.toNanos() / 1000.0 / messages);
    }

    /** {@code --deadline "2006-01-02 15:04:05"}: sleep until then, so a writer and a reader start together. */
    static void waitFor(String deadline, String prefix) throws InterruptedException {
        if (deadline == null || deadline.isEmpty()) {
            return;
        }
        LocalDateTime t = LocalDateTime.parse(deadline, DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss"));
        Duration d = Duration.between(LocalDateTime.now(), t);
        System.err.println(prefix + "sleeping until " + deadline + " (" + io.jnsq.cli.GoDuration.format(d) + ")");
        if (!d.isNegative()) {
            Thread.sleep(d.toMillis());
        }
    }
}
