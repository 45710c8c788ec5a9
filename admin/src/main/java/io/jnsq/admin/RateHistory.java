package io.jnsq.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Message rates without Graphite: every {@link #INTERVAL_SECONDS} s (once a page has been viewed) the topics' and
 * channels' message counts and depths are read from every node's {@code /stats}; the last {@link #SAMPLES} give each a
 * rate and depth history, drawn as inline SVG, and the latest figures (depth, channel backlog, messages) for the topic
 * list. What went wrong in the latest sample (nodes that did not answer) is kept, so pages can say their totals are
 * partial.
 */
@Singleton
public class RateHistory {

    static final int INTERVAL_SECONDS = 5;
    static final int SAMPLES = 30;

    /**
     * The latest totals of a topic or channel ({@code topic} or {@code topic/channel}); a topic's backlog is what its
     * channels hold (their depth summed), a channel's its own depth.
     */
    record Latest(long depth, long messages, boolean paused, int channels, long backlog) {
    }

    private final ClusterView view;
    private final Map<String, Deque<long[]>> history = new ConcurrentHashMap<>(); // key -> {epoch ms, message count, depth}
    private final Map<String, Latest> latest = new ConcurrentHashMap<>();
    private final AtomicBoolean started = new AtomicBoolean();
    private volatile long channelMessages = -1;
    private volatile String warning = "";
    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "nsqadmin-rates");
        t.setDaemon(true);
        return t;
    });

    public RateHistory(ClusterView view) {
        this.view = view;
    }

    /** Starts sampling (once); pages call it so an idle nsqadmin does not poll the cluster. */
    void touch() {
        if (started.compareAndSet(false, true)) {
            sampler.scheduleWithFixedDelay(this::sample, 0, INTERVAL_SECONDS, TimeUnit.SECONDS);
        }
    }

    void sample() {
        Warnings w = new Warnings();
        try {
            Map<String, long[]> totals = new java.util.HashMap<>(); // key -> {depth, messages, paused, channels, backlog}
            for (ObjectNode t : view.allPerNode(w)) {
                String topic = t.path("topic_name").asText();
                long[] topicTotals = add(totals, topic, t, t.path("channels").size());
                for (JsonNode c : t.path("channels")) {
                    long[] channelTotals = add(totals, topic + "/" + c.path("channel_name").asText(), c, 0);
                    channelTotals[4] += c.path("depth").asLong();
                    topicTotals[4] += c.path("depth").asLong();
                }
            }
            long now = System.currentTimeMillis();
            channelMessages = totals.entrySet().stream().filter(e -> e.getKey().contains("/"))
                    .mapToLong(e -> e.getValue()[1]).sum();
            totals.forEach((key, v) -> {
                latest.put(key, new Latest(v[0], v[1], v[2] > 0, (int) v[3], v[4]));
                Deque<long[]> h = history.computeIfAbsent(key, k -> new ArrayDeque<>());
                synchronized (h) {
                    h.addLast(new long[] {now, v[1], v[0]});
                    while (h.size() > SAMPLES + 1) {
                        h.removeFirst();
                    }
                }
            });
            latest.keySet().retainAll(totals.keySet());
            history.keySet().retainAll(totals.keySet());
            warning = w.isEmpty() ? "" : w.message() + " (totals leave out the nodes that did not answer)";
        } catch (Exception e) {
            // the cluster is unreachable for now: keep what we have, say so, try again next time
            warning = "WARNING: the latest figures could not be gathered: " + e.getMessage();
        }
    }

    private static long[] add(Map<String, long[]> totals, String key, JsonNode n, int channels) {
        long[] v = totals.computeIfAbsent(key, k -> new long[5]);
        v[0] += n.path("depth").asLong();
        v[1] += n.path("message_count").asLong();
        v[2] += n.path("paused").asBoolean() ? 1 : 0;
        v[3] = Math.max(v[3], channels);
        return v;
    }

    /** What went wrong in the latest sample ("" when every node answered). */
    String warning() {
        return warning;
    }

    /** Messages per second between consecutive samples of {@code key} (a topic or channel), oldest first. */
    List<Chart.Point> rateHistory(String key) {
        List<Chart.Point> out = new ArrayList<>();
        long[] prev = null;
        for (long[] s : samples(key)) {
            if (prev != null && s[0] > prev[0]) {
                out.add(new Chart.Point(s[0] / 1000.0, Math.max(0, s[1] - prev[1]) * 1000.0 / (s[0] - prev[0])));
            }
            prev = s;
        }
        return out;
    }

    /** The depth of {@code key} at each sample, oldest first. */
    List<Chart.Point> depthHistory(String key) {
        return samples(key).stream().map(s -> new Chart.Point(s[0] / 1000.0, s[2])).toList();
    }

    /** A copy of the samples of {@code key} ({epoch ms, message count, depth}), oldest first. */
    private List<long[]> samples(String key) {
        Deque<long[]> h = history.get(key);
        if (h == null) {
            return List.of();
        }
        synchronized (h) {
            return new ArrayList<>(h);
        }
    }

    /** Every channel's message count summed, as of the latest sample; -1 before the first. */
    long channelMessages() {
        return channelMessages;
    }

    Latest latest(String key) {
        return latest.get(key);
    }

    /** Messages per second between samples, oldest first. */
    List<Double> rates(String key) {
        return rateHistory(key).stream().map(Chart.Point::value).toList();
    }

    /** The current rate, formatted ("12.5/s"), or "" before two samples exist. */
    String rateText(String key) {
        List<Double> r = rates(key);
        return r.isEmpty() ? "" : String.format(Locale.ROOT, "%.1f/s", r.get(r.size() - 1));
    }

    /** An inline SVG polyline of the rate history (empty before two samples exist). */
    String sparkline(String key) {
        List<Double> r = rates(key);
        if (r.size() < 2) {
            return "";
        }
        double max = r.stream().mapToDouble(Double::doubleValue).max().orElse(0);
        int width = 120;
        int height = 24;
        StringBuilder points = new StringBuilder();
        for (int i = 0; i < r.size(); i++) {
            double x = i * (double) width / (SAMPLES - 1);
            double y = max == 0 ? height - 1 : height - 1 - r.get(i) / max * (height - 2);
            points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
        }
        return "<svg class=\"spark\" width=\"" + width + "\" height=\"" + height + "\" viewBox=\"0 0 " + width + " " + height
                + "\" role=\"img\" aria-label=\"message rate\"><polyline fill=\"none\" stroke=\"currentColor\" stroke-width=\"1.5\" points=\""
                + points.toString().trim() + "\"/></svg>";
    }

    @PreDestroy
    void stop() {
        sampler.shutdownNow();
    }
}
