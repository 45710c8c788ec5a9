package io.jnsq.broker;

import io.jnsq.cli.ListenAddress;
import io.jnsq.protocol.Names;
import io.jnsq.protocol.stats.ChannelStats;
import io.jnsq.protocol.stats.LatencyStats;
import io.jnsq.protocol.stats.MemoryStats;
import io.jnsq.protocol.stats.NsqdStats;
import io.jnsq.protocol.stats.TopicStats;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.value.registry.ValueRegistry;
import io.quarkus.vertx.http.HttpServer;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * nsqd's statsd push ({@code --statsd-address}): every {@code --statsd-interval} the figures of {@code /stats} go to
 * statsd over UDP with NSQ's metric names ({@code <prefix>topic.<t>.channel.<c>.depth} ...), counters as the change
 * since the last push, in packets of at most {@code --statsd-udp-packet-size} bytes that never split a line, spread
 * over the interval (less a second) as nsqd spreads them.
 */
@Singleton
public class Statsd {

    private static final Logger LOG = Logger.getLogger(Statsd.class);

    private final Nsqd nsqd;
    private final NsqdOptions opts;
    private final ValueRegistry values;
    private final ScheduledExecutorService pusher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "nsqd-statsd");
        t.setDaemon(true);
        return t;
    });
    private NsqdStats last;
    private long lastGcRuns;

    @Inject
    public Statsd(Nsqd nsqd, NsqdOptions opts, ValueRegistry values) {
        this.nsqd = nsqd;
        this.opts = opts;
        this.values = values;
    }

    void start(@Observes StartupEvent event) {
        if (opts.statsdAddress.isEmpty()) {
            return;
        }
        long interval = Math.max(1, opts.statsdInterval.toMillis());
        pusher.scheduleAtFixedRate(this::push, interval, interval, TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent event) {
        pusher.shutdownNow();
        LOG.debug("STATSD: closing");
    }

    /** nsqd's prefix: {@code %s} becomes the broadcast address and HTTP port with '.' and ':' as '_', ending in '.'. */
    String prefix() {
        String hostKey = (opts.broadcastAddress + ":" + httpPort()).replace('.', '_').replace(':', '_');
        String p = opts.statsdPrefix.replace("%s", hostKey);
        return p.isEmpty() || p.endsWith(".") ? p : p + ".";
    }

    private int httpPort() {
        if (opts.advertisedHttpPort() != 0) {
            return opts.advertisedHttpPort();
        }
        // --http-address asked for any free port: the one Quarkus got
        try {
            return values.get(HttpServer.HTTP_SERVER).getPort();
        } catch (RuntimeException e) {
            return 0;
        }
    }

    private void push() {
        InetSocketAddress to;
        try {
            to = new InetSocketAddress(ListenAddress.host(opts.statsdAddress), ListenAddress.port("--statsd-address", opts.statsdAddress));
            if (to.isUnresolved()) {
                throw new IllegalArgumentException("unknown host " + to.getHostString());
            }
        } catch (IllegalArgumentException e) {
            LOG.errorf("failed to create UDP socket to statsd(%s): %s", opts.statsdAddress, e.getMessage());
            return;
        }
        LOG.debugf("STATSD: pushing stats to %s", opts.statsdAddress);
        try (DatagramSocket socket = new DatagramSocket()) {
            List<byte[]> packets = packets(lines(prefix()), opts.statsdUdpPacketSize);
            long pause = packets.isEmpty() ? 0 : Math.max(0, opts.statsdInterval.toMillis() - 1000) / packets.size();
            boolean exiting = false;
            for (byte[] p : packets) {
                socket.send(new DatagramPacket(p, p.length, to));
                if (!exiting && pause > 0) {
                    try {
                        Thread.sleep(pause);
                    } catch (InterruptedException e) {
                        exiting = true; // shutting down: the rest goes out without the pauses
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.errorf("STATSD: push to %s failed: %s", opts.statsdAddress, e.getMessage());
        }
    }

    /** One push's lines, in nsqd's order and with its names; counters relative to the previous push. */
    List<String> lines(String prefix) {
        NsqdStats stats = nsqd.stats(null, null, false, false);
        Map<String, TopicStats> lastTopics = new HashMap<>();
        if (last != null) {
            last.topics().forEach(t -> lastTopics.put(t.topicName(), t));
        }
        List<String> out = new ArrayList<>();
        for (TopicStats t : stats.topics()) {
            if (opts.statsdExcludeEphemeral && Names.isEphemeral(t.topicName())) {
                continue;
            }
            TopicStats lt = lastTopics.get(t.topicName());
            String k = "topic." + t.topicName() + ".";
            out.add(counter(prefix, k + "message_count", t.messageCount() - (lt == null ? 0 : lt.messageCount())));
            out.add(counter(prefix, k + "message_bytes", t.messageBytes() - (lt == null ? 0 : lt.messageBytes())));
            out.add(gauge(prefix, k + "depth", t.depth()));
            out.add(gauge(prefix, k + "backend_depth", t.backendDepth()));
            latencies(out, prefix, k, t.e2eProcessingLatency());
            for (ChannelStats c : t.channels()) {
                if (opts.statsdExcludeEphemeral && Names.isEphemeral(c.channelName())) {
                    continue;
                }
                ChannelStats lc = lt == null ? null
                        : lt.channels().stream().filter(x -> x.channelName().equals(c.channelName())).findFirst().orElse(null);
                String ck = k + "channel." + c.channelName() + ".";
                out.add(counter(prefix, ck + "message_count", c.messageCount() - (lc == null ? 0 : lc.messageCount())));
                out.add(gauge(prefix, ck + "depth", c.depth()));
                out.add(gauge(prefix, ck + "backend_depth", c.backendDepth()));
                out.add(gauge(prefix, ck + "in_flight_count", c.inFlightCount()));
                out.add(gauge(prefix, ck + "deferred_count", c.deferredCount()));
                out.add(counter(prefix, ck + "requeue_count", c.requeueCount() - (lc == null ? 0 : lc.requeueCount())));
                out.add(counter(prefix, ck + "timeout_count", c.timeoutCount() - (lc == null ? 0 : lc.timeoutCount())));
                out.add(gauge(prefix, ck + "clients", c.clientCount()));
                latencies(out, prefix, ck, c.e2eProcessingLatency());
            }
        }
        last = stats;
        if (opts.statsdMemStats) {
            MemoryStats m = Nsqd.memoryStats();
            out.add(gauge(prefix, "mem.heap_objects", m.heapObjects()));
            out.add(gauge(prefix, "mem.heap_idle_bytes", m.heapIdleBytes()));
            out.add(gauge(prefix, "mem.heap_in_use_bytes", m.heapInUseBytes()));
            out.add(gauge(prefix, "mem.heap_released_bytes", m.heapReleasedBytes()));
            out.add(gauge(prefix, "mem.gc_pause_usec_100", m.gcPauseUsec100()));
            out.add(gauge(prefix, "mem.gc_pause_usec_99", m.gcPauseUsec99()));
            out.add(gauge(prefix, "mem.gc_pause_usec_95", m.gcPauseUsec95()));
            out.add(gauge(prefix, "mem.next_gc_bytes", m.nextGcBytes()));
            out.add(counter(prefix, "mem.gc_runs", m.gcTotalRuns() - lastGcRuns));
            lastGcRuns = m.gcTotalRuns();
        }
        return out;
    }

    private static void latencies(List<String> out, String prefix, String key, LatencyStats e2e) {
        if (e2e == null || e2e.percentiles() == null) {
            return;
        }
        for (Map<String, Double> p : e2e.percentiles()) {
            String name = key + "e2e_processing_latency_" + String.format(Locale.ROOT, "%.0f", p.get("quantile") * 100);
            out.add(gauge(prefix, name, p.get("value").longValue()));
        }
    }

    private static String counter(String prefix, String stat, long delta) {
        return prefix + stat + ":" + delta + "|c\n";
    }

    private static String gauge(String prefix, String stat, long value) {
        return prefix + stat + ":" + value + "|g\n";
    }

    /** Lines packed into datagrams of at most {@code size} bytes; a line longer than that goes alone. */
    static List<byte[]> packets(List<String> lines, int size) {
        List<byte[]> out = new ArrayList<>();
        ByteArrayOutputStream packet = new ByteArrayOutputStream(Math.max(1, size));
        for (String line : lines) {
            byte[] b = line.getBytes(StandardCharsets.UTF_8);
            if (b.length > size - packet.size() && packet.size() > 0) {
                out.add(packet.toByteArray());
                packet.reset();
            }
            if (b.length > size) {
                out.add(b);
            } else {
                packet.writeBytes(b);
            }
        }
        if (packet.size() > 0) {
            out.add(packet.toByteArray());
        }
        return out;
    }
}
