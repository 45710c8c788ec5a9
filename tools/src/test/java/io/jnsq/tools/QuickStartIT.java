package io.jnsq.tools;

import static io.jnsq.testing.RealProcesses.await;
import static io.jnsq.testing.RealProcesses.http;
import static org.assertj.core.api.Assertions.assertThat;

import io.jnsq.testing.RealProcesses;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The NSQ quick start, as the README tells it, with real processes: lookupd, nsqd, nsq_to_file, HTTP publishes. */
class QuickStartIT {

    @TempDir
    Path tmp;

    private RealProcesses bin;

    @AfterEach
    void stopAll() {
        if (bin != null) {
            bin.close();
        }
    }

    private Process start(String binary, String... args) throws IOException {
        if (bin == null) {
            bin = new RealProcesses(tmp);
        }
        return bin.run(null, binary, args).process();
    }

    private String log(String binary) throws IOException {
        try (Stream<Path> files = Files.list(tmp)) {
            StringBuilder all = new StringBuilder();
            for (Path f : files.filter(f -> f.getFileName().toString().startsWith(binary + "-")).sorted().toList()) {
                all.append(Files.readString(f));
            }
            return all.toString();
        }
    }

    @Test
    void nsqToFileWritesEveryPublishedMessageInOrderAndLosesNothingOnSigterm() throws Exception {
        int lookupTcp = freePort();
        int lookupHttp = freePort();
        int nsqdTcp = freePort();
        int nsqdHttp = freePort();
        start("nsqlookupd", "--tcp-address=127.0.0.1:" + lookupTcp, "--http-address=127.0.0.1:" + lookupHttp);
        await(() -> http("GET", lookupHttp, "/ping", null).equals("OK"), "nsqlookupd is up");
        start("nsqd", "--lookupd-tcp-address=127.0.0.1:" + lookupTcp, "--tcp-address=127.0.0.1:" + nsqdTcp,
                "--http-address=127.0.0.1:" + nsqdHttp, "--broadcast-address=127.0.0.1", "--data-path=" + tmp);
        await(() -> http("GET", nsqdHttp, "/ping", null).equals("OK"), "nsqd is up");

        assertThat(http("POST", nsqdHttp, "/pub?topic=test", "hello world 1")).isEqualTo("OK");
        await(() -> http("GET", lookupHttp, "/lookup?topic=test", null).contains("\"tcp_port\":" + nsqdTcp), "lookupd knows the topic");
        Path out = Files.createDirectory(tmp.resolve("out"));
        Process toFile = start("nsq_to_file", "--topic=test", "--output-dir=" + out, "--lookupd-http-address=127.0.0.1:" + lookupHttp);
        assertThat(http("POST", nsqdHttp, "/put?topic=test", "hello world 2")).isEqualTo("OK");
        assertThat(http("POST", nsqdHttp, "/pub?topic=test", "hello world 3")).isEqualTo("OK");

        await(() -> lines(out).size() == 3, "three lines written");
        assertThat(lines(out)).containsExactly("hello world 1", "hello world 2", "hello world 3");
        try (Stream<Path> files = Files.list(out)) {
            assertThat(files.map(p -> p.getFileName().toString()).toList())
                    .singleElement().asString().matches("test\\.[^.]+\\.\\d{4}-\\d{2}-\\d{2}_\\d{2}\\.log");
        }

        toFile.destroy(); // SIGTERM: sync, finish, exit
        assertThat(toFile.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(toFile.exitValue()).isZero();
        String stats = http("GET", nsqdHttp, "/stats?format=json&topic=test", null);
        assertThat(stats).contains("\"channel_name\":\"nsq_to_file\",\"depth\":0,\"backend_depth\":0,\"in_flight_count\":0");
    }

    @Test
    void badFlagsAndUnreachableServersExitNonZeroWithAMessage() throws Exception {
        Process p = start("nsq_to_file", "--no-such-flag");
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(2);
        assertThat(log("nsq_to_file")).contains("Unknown option");

        Process q = start("nsq_to_file", "--topic=t", "--lookupd-http-address=127.0.0.1:" + freePort());
        assertThat(q.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(q.exitValue()).isEqualTo(1);
        assertThat(log("nsq_to_file")).contains("cannot reach lookupd").doesNotContain("\tat ");
    }

    private static int freePort() throws IOException {
        return RealProcesses.freePort();
    }

    private static List<String> lines(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            List<String> out = new ArrayList<>();
            for (Path f : files.toList()) {
                out.addAll(Files.readAllLines(f));
            }
            return out;
        } catch (IOException e) {
            return List.of();
        }
    }

}
