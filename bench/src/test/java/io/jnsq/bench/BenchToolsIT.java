package io.jnsq.bench;

import static io.jnsq.testing.RealProcesses.await;
import static io.jnsq.testing.RealProcesses.freePort;
import static io.jnsq.testing.RealProcesses.get;
import static io.jnsq.testing.RealProcesses.http;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jnsq.testing.RealProcesses;
import io.jnsq.testing.RealProcesses.Run;
import io.jnsq.testing.RealProcesses.Server;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bin/bench_writer and bin/bench_reader against a real bin/nsqd: what they move, what they print, how they fail. */
class BenchToolsIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SUMMARY = Pattern.compile(
            "\\[(bench_writer|bench_reader)] duration: ([0-9.]+)s - [0-9.]+mb/s - ([0-9.]+)ops/s - ([0-9.]+)us/op\\n");

    @TempDir
    Path tmp;

    private RealProcesses bin;

    @BeforeEach
    void processes() {
        bin = new RealProcesses(tmp);
    }

    @AfterEach
    void stopAll() {
        bin.close();
    }

    @Test
    void writerPublishesWholeBatchesAndReaderFinishesThemWithNsqsSummaryLine() throws Exception {
        Server nsqd = bin.nsqd("--mem-queue-size=1000000");
        http("POST", nsqd.http(), "/topic/create?topic=bench_it", "");
        http("POST", nsqd.http(), "/channel/create?topic=bench_it&channel=ch", "");

        Run writer = bin.run(null, "bench_writer", "--runfor=1s", "--size=100", "--batch-size=50", "--topic=bench_it",
                "--nsqd-tcp-address=" + nsqd.tcpAddress());
        assertThat(writer.exitCode()).as(writer.errors()).isZero();
        assertThat(writer.output()).matches(SUMMARY);
        long written = channel(nsqd).path("depth").asLong();
        assertThat(written).isPositive();
        assertThat(written % 50).as("MPUB batches of --batch-size").isZero();
        assertThat(summaryOps(writer.output())).isEqualTo(written);

        Run reader = bin.run(null, "bench_reader", "--runfor=1s", "--size=100", "--topic=bench_it", "--channel=ch",
                "--rdy=100", "--nsqd-tcp-address=" + nsqd.tcpAddress());
        assertThat(reader.exitCode()).as(reader.errors()).isZero();
        assertThat(reader.output()).matches(SUMMARY);
        long read = summaryOps(reader.output());
        assertThat(read).isPositive();
        // each message the reader counted was finished; the rest is queued or in flight: none lost, none invented
        await(() -> {
            JsonNode ch = channel(nsqd);
            return ch.path("depth").asLong() + ch.path("in_flight_count").asLong() + read == written;
        }, "queued + in flight + finished = published");
    }

    @Test
    void badFlagsUnreachableBrokersAndNsqdErrorsEndWithAMessageAndAnExitCode() throws Exception {
        Run badFlag = bin.run(null, "bench_writer", "--no-such-flag");
        assertThat(badFlag.exitCode()).isEqualTo(2);
        assertThat(badFlag.errors()).contains("no-such-flag");

        Run unreachable = bin.run(null, "bench_reader", "--runfor=1s", "--nsqd-tcp-address=127.0.0.1:" + freePort());
        assertThat(unreachable.exitCode()).isEqualTo(1);
        assertThat(unreachable.errors()).contains("Connection refused").doesNotContain("\tat ");

        Server nsqd = bin.nsqd();
        Run badTopic = bin.run(null, "bench_reader", "--runfor=1s", "--topic=bad!", "--nsqd-tcp-address=" + nsqd.tcpAddress());
        assertThat(badTopic.exitCode()).isEqualTo(1);
        assertThat(badTopic.errors()).contains("E_BAD_TOPIC").doesNotContain("\tat ");
    }

    /** Messages moved, from the summary line: ops/s × duration. */
    private static long summaryOps(String output) {
        Matcher m = SUMMARY.matcher(output);
        assertThat(m.matches()).isTrue();
        return Math.round(Double.parseDouble(m.group(3)) * Double.parseDouble(m.group(2)));
    }

    private static JsonNode channel(Server nsqd) {
        try {
            JsonNode stats = JSON.readTree(get(nsqd.http(), "/stats?format=json&topic=bench_it&channel=ch"));
            return stats.path("topics").path(0).path("channels").path(0);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
