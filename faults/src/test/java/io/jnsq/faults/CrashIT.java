package io.jnsq.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.jnsq.protocol.Message;
import io.jnsq.testing.RealProcesses;
import io.jnsq.testing.RealProcesses.Server;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * bin/nsqd killed with SIGKILL, or stopped with SIGTERM, while counting publishers publish, then restarted on the same
 * data path and drained. Durable mode ({@code --sync-every=1}): nothing acknowledged is lost. Default mode: at most the
 * memory queue is lost, as with nsqd (which keeps up to --mem-queue-size messages per topic and channel in memory
 * only). SIGTERM: nothing is lost in either mode (nsqd flushes its memory queues to disk on exit, and so does jnsq).
 * One round each in the quick suite, 10 with -Djnsq.soak=true.
 */
@Tag("fault")
class CrashIT {

    private static final int MEM_QUEUE = 100;

    @TempDir
    Path tmp;

    static int rounds() {
        return Boolean.getBoolean("jnsq.soak") ? 10 : 1;
    }

    @ParameterizedTest(name = "kill -9, {0} mode, batches of {1}")
    @CsvSource({"durable, 1", "durable, 20", "default, 1", "default, 20"})
    void killNineLosesNothingAcknowledgedBeyondTheMemoryQueue(String mode, int batch) throws Exception {
        boolean durable = mode.equals("durable");
        try (RealProcesses bin = new RealProcesses(tmp)) {
            Path data = Files.createDirectories(tmp.resolve("data"));
            String[] flags = durable
                    ? new String[] {"--data-path=" + data, "--sync-every=1", "--mem-queue-size=" + MEM_QUEUE}
                    : new String[] {"--data-path=" + data, "--mem-queue-size=" + MEM_QUEUE};
            Set<Integer> acknowledged = new HashSet<>();
            Set<Integer> received = new HashSet<>();
            int next = 0;
            for (int round = 0; round < rounds(); round++) {
                Server nsqd = bin.server("nsqd", flags);
                if (round == 0) {
                    RealProcesses.http("POST", nsqd.http(), "/topic/create?topic=crash", "");
                    RealProcesses.http("POST", nsqd.http(), "/channel/create?topic=crash&channel=c", "");
                }
                drainSome(nsqd, received, 200); // a consumer with messages in flight when the kill comes
                CountingPublisher p = new CountingPublisher(nsqd.tcp(), "crash", batch, next).start();
                p.awaitAcknowledged(2_000);
                nsqd.process().destroyForcibly();
                nsqd.process().waitFor(30, TimeUnit.SECONDS);
                p.stop();
                acknowledged.addAll(p.acknowledged);
                next = p.sent() + batch;
            }
            Server nsqd = bin.server("nsqd", flags);
            drainSome(nsqd, received, Integer.MAX_VALUE);
            Set<Integer> lost = new HashSet<>(acknowledged);
            lost.removeAll(received);
            if (durable) {
                assertThat(lost).as("acknowledged and lost in durable mode").isEmpty();
            } else {
                // the topic's and the channel's memory queues, each round
                assertThat(lost.size()).as("lost in default mode").isLessThanOrEqualTo(2 * MEM_QUEUE * rounds());
            }
            assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(2_000 * rounds());
        }
    }

    @Test
    void sigtermUnderLoadLosesNothing() throws Exception {
        try (RealProcesses bin = new RealProcesses(tmp)) {
            Path data = Files.createDirectories(tmp.resolve("data"));
            String[] flags = {"--data-path=" + data, "--mem-queue-size=" + MEM_QUEUE};
            Set<Integer> acknowledged = new HashSet<>();
            int next = 0;
            for (int round = 0; round < rounds(); round++) {
                Server nsqd = bin.server("nsqd", flags);
                RealProcesses.http("POST", nsqd.http(), "/topic/create?topic=term", "");
                RealProcesses.http("POST", nsqd.http(), "/channel/create?topic=term&channel=c", "");
                List<CountingPublisher> publishers = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    publishers.add(new CountingPublisher(nsqd.tcp(), "term", i % 2 == 0 ? 1 : 10, next + i * 1_000_000).start());
                }
                for (CountingPublisher p : publishers) {
                    p.awaitAcknowledged(500);
                }
                nsqd.process().destroy(); // SIGTERM
                assertThat(nsqd.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
                for (CountingPublisher p : publishers) {
                    p.stop();
                    acknowledged.addAll(p.acknowledged);
                }
                assertThat(ServerLog.stackTraceLines(ServerLog.of(nsqd.run()))).isEmpty();
                next += 10_000_000;
            }
            Set<Integer> received = new HashSet<>();
            drainSome(bin.server("nsqd", flags), received, Integer.MAX_VALUE, "term");
            Set<Integer> lost = new HashSet<>(acknowledged);
            lost.removeAll(received);
            assertThat(lost).as("acknowledged and lost across SIGTERM").isEmpty();
        }
    }

    private static void drainSome(Server nsqd, Set<Integer> into, int max) throws Exception {
        drainSome(nsqd, into, max, "crash");
    }

    /** Consumes (and finishes) up to {@code max} messages, until none comes for 2 s. */
    private static void drainSome(Server nsqd, Set<Integer> into, int max, String topic) throws Exception {
        try (NsqTcp c = new NsqTcp(nsqd.tcp())) {
            c.subscribe(topic, "c", 200);
            Message m;
            for (int n = 0; n < max && (m = c.nextFinished(2_000)) != null; n++) {
                into.add(Integer.parseInt(new String(m.body(), StandardCharsets.US_ASCII)));
            }
        }
    }
}
