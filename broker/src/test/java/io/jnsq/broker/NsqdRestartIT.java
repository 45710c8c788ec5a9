package io.jnsq.broker;

import static org.assertj.core.api.Assertions.assertThat;

import io.jnsq.protocol.Frame;
import io.jnsq.protocol.Message;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Restart without loss, and crashes, with real bin/nsqd processes on a real data directory. */
class NsqdRestartIT {

    @TempDir
    Path data;

    private static List<String> consumeAll(NsqdProcess nsqd, String topic, String channel, int expected) throws Exception {
        List<String> got = new ArrayList<>();
        try (V2Client c = V2Client.connect(nsqd.tcpPort)) {
            c.identify("{}");
            c.subscribe(topic, channel);
            c.command("RDY 500");
            while (got.size() < expected) {
                Message m = c.readMessage();
                got.add(new String(m.body()));
                c.command("FIN " + m.idString());
            }
            assertThat(c.silentFor(1000)).as("nothing beyond the " + expected + " messages").isTrue();
        }
        return got;
    }

    private static List<String> bodies(String prefix, int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(prefix + i);
        }
        return out;
    }

    @Test
    void cleanRestartDeliversEveryQueuedMessageInOrder() throws Exception {
        try (NsqdProcess nsqd = NsqdProcess.start(data, "--mem-queue-size=10")) {
            nsqd.post("/channel/create?topic=restart&channel=ch", "");
            nsqd.post("/topic/create?topic=restart", "");
            nsqd.post("/channel/create?topic=restart&channel=ch", "");
            try (V2Client p = V2Client.connect(nsqd.tcpPort)) {
                p.command("MPUB restart", V2Client.mpubBody(bodies("m", 300)));
                assertThat(p.read().text()).isEqualTo("OK");
            }
            nsqd.post("/topic/create?topic=held_by_topic", "");
            nsqd.post("/pub?topic=held_by_topic", "kept");
            nsqd.post("/channel/pause?topic=restart&channel=ch", "");
            assertThat(nsqd.stop()).isZero();
        }
        assertThat(Files.readString(data.resolve("nsqd.dat"))).contains("\"name\":\"restart\"").contains("\"paused\":true");
        try (NsqdProcess nsqd = NsqdProcess.start(data, "--mem-queue-size=10")) {
            assertThat(nsqd.get("/stats?format=json&topic=restart")).contains("\"depth\":300").contains("\"paused\":true");
            nsqd.post("/channel/unpause?topic=restart&channel=ch", "");
            // as in nsqd, what was in memory at shutdown is appended after what was already on disk
            List<String> got = consumeAll(nsqd, "restart", "ch", 300);
            assertThat(got).containsExactlyInAnyOrderElementsOf(bodies("m", 300));
            assertThat(got.subList(0, 290)).isEqualTo(bodies("m", 300).subList(10, 300));
            assertThat(consumeAll(nsqd, "held_by_topic", "first", 1)).containsExactly("kept");
        }
    }

    @Test
    void inFlightAndDeferredMessagesSurviveACleanRestart() throws Exception {
        try (NsqdProcess nsqd = NsqdProcess.start(data)) {
            try (V2Client consumer = V2Client.connect(nsqd.tcpPort); V2Client p = V2Client.connect(nsqd.tcpPort)) {
                consumer.identify("{}");
                consumer.subscribe("flight", "ch");
                p.publish("flight", "in-flight-1").publish("flight", "in-flight-2").publish("flight", "queued");
                p.command("DPUB flight 3600000", "deferred-an-hour".getBytes());
                assertThat(p.read().text()).isEqualTo("OK");
                consumer.command("RDY 2");
                consumer.readMessage();
                consumer.readMessage(); // two in flight, never finished
                assertThat(nsqd.stop()).isZero();
            }
        }
        try (NsqdProcess nsqd = NsqdProcess.start(data)) {
            List<String> got = consumeAll(nsqd, "flight", "ch", 4);
            assertThat(got).containsExactlyInAnyOrder("in-flight-1", "in-flight-2", "queued", "deferred-an-hour");
        }
    }

    @Test
    void durableModeLosesNoAcknowledgedMessageToKill9() throws Exception {
        Set<String> acknowledged = new HashSet<>();
        try (NsqdProcess nsqd = NsqdProcess.start(data, "--sync-every=1")) {
            nsqd.post("/topic/create?topic=durable", "");
            nsqd.post("/channel/create?topic=durable&channel=ch", "");
            AtomicInteger sent = new AtomicInteger();
            try (V2Client p = V2Client.connect(nsqd.tcpPort)) {
                Thread killer = new Thread(() -> {
                    try {
                        while (sent.get() < 300) {
                            Thread.sleep(5);
                        }
                        nsqd.kill();
                    } catch (Exception ignored) {
                        // the test's assertions tell
                    }
                });
                killer.start();
                try {
                    for (int i = 0; i < 100_000; i++) {
                        String body = "d" + i;
                        p.command("PUB durable", body.getBytes());
                        sent.incrementAndGet();
                        Frame f = p.read();
                        if (f.text().equals("OK")) {
                            acknowledged.add(body);
                        }
                    }
                } catch (java.io.IOException expectedWhenKilled) {
                    // the broker died mid-stream
                }
                killer.join();
            }
        }
        assertThat(acknowledged).hasSizeGreaterThan(250);
        try (NsqdProcess nsqd = NsqdProcess.start(data, "--sync-every=1")) {
            String stats = nsqd.get("/stats?format=json&topic=durable");
            long depth = Long.parseLong(stats.replaceAll(".*\"channel_name\":\"ch\",\"depth\":(\\d+).*", "$1"));
            assertThat(depth).isGreaterThanOrEqualTo(acknowledged.size());
            Set<String> got = new HashSet<>(consumeAll(nsqd, "durable", "ch", (int) depth));
            assertThat(got).containsAll(acknowledged);
        }
    }

    @Test
    void corruptSegmentAndMetadataDoNotStopTheBroker() throws Exception {
        try (NsqdProcess nsqd = NsqdProcess.start(data, "--mem-queue-size=0", "--max-bytes-per-file=2000")) {
            nsqd.post("/topic/create?topic=corrupt", "");
            nsqd.post("/channel/create?topic=corrupt&channel=ch", "");
            try (V2Client p = V2Client.connect(nsqd.tcpPort)) {
                p.command("MPUB corrupt", V2Client.mpubBody(bodies("c", 100)));
                assertThat(p.read().text()).isEqualTo("OK");
            }
            assertThat(nsqd.stop()).isZero();
        }
        Path first = data.resolve("corrupt:ch.diskqueue.000000.dat");
        byte[] bytes = Files.readAllBytes(first);
        bytes[1] = 0x7f;
        Files.write(first, bytes);
        try (NsqdProcess nsqd = NsqdProcess.start(data, "--mem-queue-size=0", "--max-bytes-per-file=2000")) {
            String stats = nsqd.get("/stats?format=json&topic=corrupt");
            long depth = Long.parseLong(stats.replaceAll(".*\"channel_name\":\"ch\",\"depth\":(\\d+).*", "$1"));
            List<String> got = consumeAll(nsqd, "corrupt", "ch", (int) depth);
            assertThat(got).isNotEmpty().contains("c99").doesNotContain("c0");
            assertThat(nsqd.stop()).isZero();
        }
        try (Stream<Path> files = Files.list(data)) {
            assertThat(files.map(p -> p.getFileName().toString())).contains("corrupt:ch.diskqueue.000000.dat.bad");
        }
        Files.writeString(data.resolve("nsqd.dat"), "{\"topics\":[{\"name\":\"tru");
        try (NsqdProcess nsqd = NsqdProcess.start(data)) {
            assertThat(nsqd.get("/ping")).isEqualTo("OK");
            assertThat(nsqd.post("/pub?topic=after", "x").body()).isEqualTo("OK");
        }
    }

    @Test
    void aFullDiskFailsThePublishTurnsHealthNotOkAndRecovers() throws Exception {
        // ulimit -f 64: no file can grow past 64 KiB, so the segment being written fills up like a full disk
        try (NsqdProcess nsqd = NsqdProcess.startWithFileSizeLimit(64, data, "--mem-queue-size=0")) {
            nsqd.post("/topic/create?topic=full", "");
            nsqd.post("/channel/create?topic=full&channel=ch", "");
            String body = "x".repeat(1000);
            List<String> acknowledged = new ArrayList<>();
            try (V2Client p = V2Client.connect(nsqd.tcpPort)) {
                for (int i = 0; i < 200; i++) {
                    String b = i + body;
                    p.command("PUB full", b.getBytes());
                    Frame f = p.read();
                    if (!f.text().equals("OK")) {
                        assertThat(f.text()).startsWith("E_PUB_FAILED PUB failed ");
                        break;
                    }
                    acknowledged.add(b);
                }
            }
            assertThat(acknowledged).hasSizeBetween(10, 199);
            var ping = nsqd.getResponse("/ping");
            assertThat(ping.statusCode()).isEqualTo(500);
            assertThat(ping.body()).startsWith("NOK - ");
            assertThat(nsqd.get("/stats?format=json")).contains("\"health\":\"NOK - ");
            // the next write goes to a fresh segment and succeeds: health is back
            assertThat(nsqd.post("/pub?topic=full", "after").body()).isEqualTo("OK");
            assertThat(nsqd.getResponse("/ping").statusCode()).isEqualTo(200);
            List<String> got = consumeAll(nsqd, "full", "ch", acknowledged.size() + 1);
            assertThat(got).containsAll(acknowledged).contains("after");
        }
    }

    @Test
    void durableModeKeepsAcknowledgedDeferredMessagesThroughKill9() throws Exception {
        try (NsqdProcess nsqd = NsqdProcess.start(data, "--sync-every=1")) {
            nsqd.post("/topic/create?topic=later", "");
            nsqd.post("/channel/create?topic=later&channel=ch", "");
            try (V2Client p = V2Client.connect(nsqd.tcpPort)) {
                p.command("DPUB later 3600000", "in-an-hour".getBytes());
                assertThat(p.read().text()).isEqualTo("OK");
                p.command("DPUB later 1500", "soon".getBytes());
                assertThat(p.read().text()).isEqualTo("OK");
            }
            nsqd.kill();
        }
        try (NsqdProcess nsqd = NsqdProcess.start(data, "--sync-every=1")) {
            // both are back: still deferred, or (if the restart took longer than 1.5 s) already due and queued
            String stats = nsqd.get("/stats?format=json&topic=later");
            long depth = Long.parseLong(stats.replaceAll(".*\"channel_name\":\"ch\",\"depth\":(\\d+).*", "$1"));
            long deferred = Long.parseLong(stats.replaceAll(".*\"deferred_count\":(\\d+).*", "$1"));
            assertThat(depth + deferred).isEqualTo(2);
            // the short one comes due and is delivered; the long one stays deferred
            assertThat(consumeAll(nsqd, "later", "ch", 1)).containsExactly("soon");
            assertThat(nsqd.get("/stats?format=json&topic=later")).contains("\"deferred_count\":1");
            nsqd.kill();
        }
        try (NsqdProcess nsqd = NsqdProcess.start(data, "--sync-every=1")) {
            // after a second crash the delivered one does not come back deferred; at least once allows a redelivery
            String stats = nsqd.get("/stats?format=json&topic=later");
            assertThat(stats).contains("\"deferred_count\":");
            assertThat(stats).doesNotContain("\"deferred_count\":0");
        }
    }
}
