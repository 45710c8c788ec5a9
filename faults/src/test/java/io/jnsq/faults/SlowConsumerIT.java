package io.jnsq.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.jnsq.protocol.Message;
import io.jnsq.testing.RealProcesses;
import io.jnsq.testing.RealProcesses.Server;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Slow consumers with bounded memory, on a broker with a 64 MB heap and {@code --mem-queue-size=1000}: a publisher
 * pushes twenty times that (1 KB messages; a hundred times with -Djnsq.soak=true) into a topic with two channels.
 * On "work", one consumer takes a message at RDY 1 and then neither finishes it nor reads its socket, while another
 * consumes and finishes: the slow one must not hold up the fast one, which gets every message but the one held
 * (every message is counted: the fast one's and the held one). "archive" has no consumer at all: its backlog goes to disk, the
 * broker's heap stays within its 64 MB and its RSS bounded, and a consumer started at the end counts every message.
 */
@Tag("fault")
class SlowConsumerIT {

    private static final int MEM_QUEUE_SIZE = 1000;
    private static final int BODY = 1024;
    private static final int BATCH = 100;

    @TempDir
    Path tmp;

    @Test
    void aSlowConsumerNeitherStallsOthersNorGrowsMemoryAndNothingIsLost() throws Exception {
        int count = (Boolean.getBoolean("jnsq.soak") ? 100 : 20) * MEM_QUEUE_SIZE;
        try (RealProcesses bin = new RealProcesses(tmp).environment("JAVA_OPTS", "-Xmx64m")) {
            Server nsqd = bin.server("nsqd", "--data-path=" + Files.createDirectories(tmp.resolve("data")),
                    "--mem-queue-size=" + MEM_QUEUE_SIZE);
            long rssIdle = rssKb(nsqd);
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try (NsqTcp setup = new NsqTcp(nsqd.tcp());
                    NsqTcp slow = new NsqTcp(nsqd.tcp());
                    NsqTcp fast = new NsqTcp(nsqd.tcp())) {
                assertThat(RealProcesses.http("POST", nsqd.http(), "/topic/create?topic=slow", "")).isEmpty();
                assertThat(RealProcesses.http("POST", nsqd.http(), "/channel/create?topic=slow&channel=archive", ""))
                        .isEmpty();
                // its message must stay with it for the whole test (nsqd's --max-msg-timeout is 15 minutes)
                assertThat(slow.identify("{\"msg_timeout\":900000}").type()).isEqualTo(io.jnsq.protocol.FrameType.RESPONSE);
                slow.subscribe("slow", "work", 1);
                fast.subscribe("slow", "work", 200);
                Future<?> publisher = pool.submit(() -> {
                    try (NsqTcp pub = new NsqTcp(nsqd.tcp())) {
                        for (int i = 0; i < count; i += BATCH) {
                            List<byte[]> batch = new ArrayList<>();
                            for (int j = i; j < i + BATCH; j++) {
                                batch.add(body(j));
                            }
                            assertThat(pub.mpub("slow", batch)).as("MPUB at %d", i).isTrue();
                        }
                    }
                    return null;
                });
                // the slow consumer takes its one message and then stops reading
                Message held = slow.nextUnfinished(30_000);
                assertThat(held).as("the slow consumer's message").isNotNull();

                BitSet seen = new BitSet(count);
                int duplicates = 0;
                while (seen.cardinality() < count - 1) {
                    Message m = fast.nextFinished(30_000);
                    assertThat(m).as("the fast consumer stalled after %d messages", seen.cardinality()).isNotNull();
                    int n = number(m);
                    duplicates += seen.get(n) ? 1 : 0;
                    seen.set(n);
                }
                publisher.get();
                assertThat(seen.get(number(held))).as("the held message went to the slow consumer only").isFalse();
                assertThat(duplicates).isZero();

                String stats = RealProcesses.get(nsqd.http(), "/stats?format=json&topic=slow&channel=archive");
                long archived = field(stats, "\"channel_name\":\"archive\"", "\"depth\":");
                long onDisk = field(stats, "\"channel_name\":\"archive\"", "\"backend_depth\":");
                assertThat(archived).isEqualTo(count);
                assertThat(onDisk).as("the archive's backlog on disk").isGreaterThanOrEqualTo(count - MEM_QUEUE_SIZE);
                long rssLoaded = rssKb(nsqd);
                System.out.printf("SlowConsumerIT: %d messages; archive depth %d, %d of them on disk; RSS %d MB idle, "
                        + "%d MB loaded%n", count, archived, onDisk, rssIdle >> 10, rssLoaded >> 10);
                assertThat(rssLoaded - rssIdle).as("RSS growth in KB (idle %d KB)", rssIdle).isLessThan(200 * 1024);

                seen.set(number(held));
                assertThat(seen.cardinality()).as("distinct messages the two consumers got").isEqualTo(count);
            } finally {
                pool.shutdownNow();
            }

            try (NsqTcp drain = new NsqTcp(nsqd.tcp())) {
                drain.subscribe("slow", "archive", 500);
                BitSet archived = new BitSet(count);
                for (int i = 0; i < count; i++) {
                    Message m = drain.nextFinished(30_000);
                    assertThat(m).as("archive message %d of %d", i, count).isNotNull();
                    archived.set(number(m));
                }
                assertThat(archived.cardinality()).as("distinct archived messages").isEqualTo(count);
            }
            String log = ServerLog.of(nsqd.run());
            assertThat(log).doesNotContain("OutOfMemoryError");
            assertThat(ServerLog.stackTraceLines(log)).isEmpty();
        }
    }

    private static byte[] body(int n) {
        byte[] b = new byte[BODY];
        Arrays.fill(b, (byte) '.');
        byte[] id = Integer.toString(n).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(id, 0, b, 0, id.length);
        b[id.length] = ' ';
        return b;
    }

    private static int number(Message m) {
        String s = new String(m.body(), StandardCharsets.US_ASCII);
        return Integer.parseInt(s.substring(0, s.indexOf(' ')));
    }

    /** The number after {@code name} in the part of {@code json} that follows {@code after}. */
    private static long field(String json, String after, String name) {
        int from = json.indexOf(after);
        assertThat(from).as(after + " in " + json).isNotNegative();
        int at = json.indexOf(name, from) + name.length();
        int end = at;
        while (end < json.length() && Character.isDigit(json.charAt(end))) {
            end++;
        }
        return Long.parseLong(json.substring(at, end));
    }

    /** The broker's resident memory (bin/nsqd execs the JVM, so its pid is the JVM's). */
    private static long rssKb(Server nsqd) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + nsqd.process().pid() + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        throw new AssertionError("no VmRSS for " + nsqd.process().pid());
    }
}
