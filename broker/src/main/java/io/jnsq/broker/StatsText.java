package io.jnsq.broker;

import io.jnsq.cli.GoDuration;
import io.jnsq.cli.NsqVersion;
import io.jnsq.protocol.stats.ChannelStats;
import io.jnsq.protocol.stats.ClientStats;
import io.jnsq.protocol.stats.LatencyStats;
import io.jnsq.protocol.stats.MemoryStats;
import io.jnsq.protocol.stats.NsqdStats;
import io.jnsq.protocol.stats.TopicStats;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** nsqd's plain-text {@code /stats}, column for column. */
final class StatsText {

    private StatsText() {
    }

    static String render(NsqdStats stats, long startMillis) {
        StringBuilder w = new StringBuilder();
        w.append(NsqVersion.line("nsqd")).append('\n');
        w.append("start_time ").append(Instant.ofEpochSecond(stats.startTime()).truncatedTo(ChronoUnit.SECONDS)).append('\n');
        w.append("uptime ").append(GoDuration.format(Duration.ofMillis(System.currentTimeMillis() - startMillis))).append('\n');
        w.append("\nHealth: ").append(stats.health()).append('\n');
        MemoryStats m = stats.memory();
        if (m != null) {
            w.append("\nMemory:\n");
            mem(w, "heap_objects", m.heapObjects());
            mem(w, "heap_idle_bytes", m.heapIdleBytes());
            mem(w, "heap_in_use_bytes", m.heapInUseBytes());
            mem(w, "heap_released_bytes", m.heapReleasedBytes());
            mem(w, "gc_pause_usec_100", m.gcPauseUsec100());
            mem(w, "gc_pause_usec_99", m.gcPauseUsec99());
            mem(w, "gc_pause_usec_95", m.gcPauseUsec95());
            mem(w, "next_gc_bytes", m.nextGcBytes());
            mem(w, "gc_total_runs", m.gcTotalRuns());
        }
        w.append(stats.topics().isEmpty() ? "\nTopics: None\n" : "\nTopics:");
        for (TopicStats t : stats.topics()) {
            w.append(String.format(Locale.ROOT, "\n%s[%-15s] depth: %-5d be-depth: %-5d msgs: %-8d e2e%%: %s\n",
                    t.paused() ? "*P " : "   ", t.topicName(), t.depth(), t.backendDepth(), t.messageCount(),
                    latency(t.e2eProcessingLatency())));
            for (ChannelStats c : t.channels()) {
                w.append(String.format(Locale.ROOT,
                        "%s[%-25s] depth: %-5d be-depth: %-5d inflt: %-4d def: %-4d re-q: %-5d timeout: %-5d msgs: %-8d e2e%%: %s\n",
                        c.paused() ? "   *P " : "      ", c.channelName(), c.depth(), c.backendDepth(),
                        c.inFlightCount(), c.deferredCount(), c.requeueCount(), c.timeoutCount(), c.messageCount(),
                        latency(c.e2eProcessingLatency())));
                for (ClientStats client : c.clients()) {
                    w.append("        ").append(client(client)).append('\n');
                }
            }
        }
        List<ClientStats> producers = stats.producers();
        if (producers == null || producers.isEmpty()) {
            w.append("\nProducers: None\n");
        } else {
            w.append("\nProducers:\n");
            for (ClientStats p : producers) {
                w.append("   ").append(client(p)).append('\n');
            }
        }
        return w.toString();
    }

    private static void mem(StringBuilder w, String name, long value) {
        w.append(String.format(Locale.ROOT, "   %-25s\t%d\n", name, value));
    }

    static String client(ClientStats s) {
        String port = s.remoteAddress().substring(s.remoteAddress().lastIndexOf(':') + 1);
        String id = s.hostname() + ":" + port + " " + s.userAgent();
        String connected = GoDuration.format(Duration.ofSeconds(Math.max(0, System.currentTimeMillis() / 1000 - s.connectTs())));
        if (s.pubCounts() != null && !s.pubCounts().isEmpty()) {
            long total = 0;
            List<String> topics = new ArrayList<>();
            for (ClientStats.PubCount p : s.pubCounts()) {
                total += p.count();
                topics.add(p.topic() + "=" + p.count());
            }
            return String.format(Locale.ROOT, "[%s %-21s] msgs: %-8d topics: %s connected: %s", s.version(), id, total,
                    String.join(",", topics), connected);
        }
        return String.format(Locale.ROOT, "[%s %-21s] state: %d inflt: %-4d rdy: %-4d fin: %-8d re-q: %-8d msgs: %-8d connected: %s",
                s.version(), id, s.state(), s.inFlightCount(), s.readyCount(), s.finishCount(), s.requeueCount(),
                s.messageCount(), connected);
    }

    private static String latency(LatencyStats l) {
        if (l == null || l.percentiles() == null) {
            return "";
        }
        List<String> parts = new ArrayList<>();
        for (var p : l.percentiles()) {
            parts.add(human(p.get("value")));
        }
        return String.join(", ", parts);
    }

    private static String human(double v) {
        String suffix;
        if (v > 1e9) {
            v /= 1e9;
            suffix = "s";
        } else if (v > 1e6) {
            v /= 1e6;
            suffix = "ms";
        } else if (v > 1e3) {
            v /= 1e3;
            suffix = "us";
        } else {
            suffix = "ns";
        }
        return String.format(Locale.ROOT, "%.1f%s", v, suffix);
    }
}
