package io.jnsq.broker;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.net.DatagramPacket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code --statsd-*}: what a statsd daemon (a UDP socket of the test, {@link MetricsBroker}) receives every second,
 * with NSQ's metric names under the prefix, counters as changes since the last push, and packets of at most
 * {@code --statsd-udp-packet-size} bytes made of whole lines.
 */
@QuarkusTest
@TestProfile(MetricsBroker.Profile.class)
class StatsdTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TestHTTPResource("/")
    URL base;

    private void post(String path, String body) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base.toString().replaceAll("/$", "") + path))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path).isEqualTo(200);
    }

    /**
     * Reads datagrams until {@code lines} holds a line starting with {@code wanted} followed (later in the same push, which
     * may span packets) by one starting with {@code then} (at most 10 s).
     */
    private static void receiveUntil(List<String> lines, List<Integer> sizes, String wanted, String then) throws Exception {
        long deadline = System.currentTimeMillis() + 10_000;
        byte[] buf = new byte[65536];
        MetricsBroker.statsd.setSoTimeout(500);
        while (!seen(lines, wanted, then) && System.currentTimeMillis() < deadline) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                MetricsBroker.statsd.receive(p);
            } catch (SocketTimeoutException e) {
                continue;
            }
            String text = new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8);
            assertThat(text).as("a packet holds whole lines").endsWith("\n");
            sizes.add(p.getLength());
            lines.addAll(text.lines().toList());
        }
    }

    private static boolean seen(List<String> lines, String wanted, String then) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(wanted)) {
                for (int j = i + 1; j < lines.size(); j++) {
                    if (lines.get(j).startsWith(then)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static long sumOf(List<String> lines, String stat) {
        return lines.stream().filter(l -> l.startsWith(stat + ":")).mapToLong(l -> Long.parseLong(l.replaceAll(".*:(-?\\d+)\\|c$", "$1"))).sum();
    }

    private static String lastGauge(List<String> lines, String stat) {
        String last = null;
        for (String l : lines) {
            if (l.startsWith(stat + ":")) {
                last = l.substring(stat.length() + 1);
            }
        }
        return last;
    }

    @Test
    void pushesNsqdsMetricNamesWithCountersAsChangesSinceTheLastPush() throws Exception {
        String prefix = "jnsq.127_0_0_1_" + base.getPort() + ".";
        post("/topic/create?topic=s_orders", "");
        post("/channel/create?topic=s_orders&channel=c", "");
        post("/mpub?topic=s_orders", "one\ntwo");
        List<String> lines = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        receiveUntil(lines, sizes, prefix + "topic.s_orders.channel.c.message_count:2|c", prefix + "topic.s_orders.channel.c.e2e_processing_latency_50:");
        post("/pub?topic=s_orders", "three");
        receiveUntil(lines, sizes, prefix + "topic.s_orders.channel.c.message_count:1|c", prefix + "topic.s_orders.channel.c.e2e_processing_latency_50:");

        assertThat(lines).contains(prefix + "topic.s_orders.channel.c.message_count:2|c",
                prefix + "topic.s_orders.channel.c.message_count:1|c");
        // counters add up to the totals, whichever pushes they fell in
        assertThat(sumOf(lines, prefix + "topic.s_orders.message_count")).isEqualTo(3);
        assertThat(sumOf(lines, prefix + "topic.s_orders.message_bytes")).isEqualTo(11);
        assertThat(lastGauge(lines, prefix + "topic.s_orders.channel.c.depth")).isEqualTo("3|g");
        assertThat(lastGauge(lines, prefix + "topic.s_orders.depth")).isEqualTo("0|g");
        for (String stat : List.of("backend_depth:0|g", "in_flight_count:0|g", "deferred_count:0|g", "requeue_count:0|c",
                "timeout_count:0|c", "clients:0|g", "e2e_processing_latency_100:0|g", "e2e_processing_latency_50:0|g")) {
            assertThat(lines).contains(prefix + "topic.s_orders.channel.c." + stat);
        }
        assertThat(lines).contains(prefix + "topic.s_orders.backend_depth:0|g", prefix + "topic.s_orders.e2e_processing_latency_100:0|g");
        assertThat(lines).noneMatch(l -> l.startsWith(prefix + "mem.")); // --statsd-mem-stats=false
        assertThat(lines).allMatch(l -> l.startsWith(prefix) && l.matches(".*:-?\\d+\\|[cg]"));
        assertThat(sizes).allMatch(s -> s <= 508);
    }

    @Test
    void packetsNeverSplitALineAndCarryAnOversizedLineAlone() {
        List<byte[]> packets = Statsd.packets(List.of("a.b:1|c\n", "a.c:2|g\n", "a.very.long.name:3|g\n", "d:4|c\n"), 16);
        assertThat(packets.stream().map(p -> new String(p, StandardCharsets.UTF_8)).toList())
                .containsExactly("a.b:1|c\na.c:2|g\n", "a.very.long.name:3|g\n", "d:4|c\n");
    }
}
