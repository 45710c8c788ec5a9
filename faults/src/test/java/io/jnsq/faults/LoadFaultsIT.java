package io.jnsq.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.jnsq.testing.RealProcesses;
import io.jnsq.testing.RealProcesses.Server;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/nsqd under connection floods and with lookupd restarting under load: the broker keeps serving, publishers see no
 * error from a lookupd that comes and goes (as with nsqd, registration is best effort and resumes), and the topic is
 * found through lookupd again. Quick: 1,000 connections and one lookupd restart; soak: 3,500 and five restarts.
 */
@Tag("fault")
class LoadFaultsIT {

    private static final boolean SOAK = Boolean.getBoolean("jnsq.soak");

    @TempDir
    Path tmp;

    @Test
    void aConnectionFloodIsServedAndLetGo() throws Exception {
        int count = SOAK ? 3_500 : 1_000;
        try (RealProcesses bin = new RealProcesses(tmp)) {
            Server nsqd = bin.nsqd();
            long fdsBefore = openFiles(nsqd);
            List<Socket> open = new ArrayList<>();
            try {
                for (int i = 0; i < count; i++) {
                    Socket s = new Socket("127.0.0.1", nsqd.tcp());
                    s.getOutputStream().write("  V2".getBytes(StandardCharsets.US_ASCII));
                    open.add(s);
                }
                // with every connection open, the broker still answers HTTP and TCP
                assertThat(RealProcesses.get(nsqd.http(), "/ping")).isEqualTo("OK");
                try (NsqTcp c = new NsqTcp(nsqd.tcp())) {
                    assertThat(c.pub("flood", "x".getBytes(StandardCharsets.US_ASCII))).isTrue();
                }
            } finally {
                for (Socket s : open) {
                    closeQuietly(s);
                }
            }
            RealProcesses.await(() -> openFiles(nsqd) <= fdsBefore + 20, "every flood connection let go");
            assertThat(ServerLog.stackTraceLines(ServerLog.of(nsqd.run()))).isEmpty();
        }
    }

    @Test
    void lookupdRestartsUnderLoadCostPublishersNothing() throws Exception {
        try (RealProcesses bin = new RealProcesses(tmp)) {
            Server lookupd = bin.lookupd();
            Server nsqd = bin.nsqdWith(lookupd);
            CountingPublisher publisher = new CountingPublisher(nsqd.tcp(), "lookupd_restart", 10, 0).start();
            publisher.awaitAcknowledged(1_000);
            for (int restart = 0; restart < (SOAK ? 5 : 1); restart++) {
                lookupd.process().destroyForcibly();
                lookupd.process().waitFor(30, TimeUnit.SECONDS);
                int before = publisher.acknowledged.size();
                publisher.awaitAcknowledged(before + 1_000);
                lookupd = bin.server(lookupd.tcp(), lookupd.http(), "nsqlookupd");
                Server l = lookupd;
                RealProcesses.await(() -> RealProcesses.get(l.http(), "/lookup?topic=lookupd_restart")
                        .contains("\"tcp_port\":" + nsqd.tcp()), "the broker registered again");
            }
            int before = publisher.acknowledged.size();
            publisher.awaitAcknowledged(before + 1_000);
            publisher.stop();
            assertThat(publisher.acknowledged.size()).as("publishing went on throughout").isGreaterThan(before);
            assertThat(publisher.sent()).as("no publish refused").isEqualTo(publisher.acknowledged.size());
            assertThat(ServerLog.stackTraceLines(ServerLog.of(nsqd.run()))).isEmpty();
        }
    }

    /** The broker's open file descriptors (sockets included), from /proc. */
    private static long openFiles(Server s) {
        try (var fds = Files.list(Path.of("/proc", Long.toString(s.process().pid()), "fd"))) {
            return fds.count();
        } catch (IOException e) {
            return 0;
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing
        }
    }
}
