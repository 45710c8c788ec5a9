package io.jnsq.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The NSQ quick start, as the README tells it, with real processes: lookupd, nsqd, nsq_to_file, HTTP publishes. */
class QuickStartIT {

    private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path tmp;

    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void stopAll() {
        processes.forEach(Process::destroyForcibly);
    }

    private Process start(String binary, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(ROOT.resolve("bin/" + binary).toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(tmp.resolve(binary + ".log").toFile());
        pb.environment().put("JNSQ_NO_BUILD", "1");
        Process p = pb.start();
        processes.add(p);
        return p;
    }

    private static String http(String method, int port, String path, String body) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                    .build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException | InterruptedException e) {
            return "";
        }
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(100);
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
        assertThat(Files.readString(tmp.resolve("nsq_to_file.log"))).contains("Unknown option");

        Process q = start("nsq_to_file", "--topic=t", "--lookupd-http-address=127.0.0.1:" + freePort());
        assertThat(q.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(q.exitValue()).isEqualTo(1);
        assertThat(Files.readString(tmp.resolve("nsq_to_file.log"))).contains("cannot reach lookupd").doesNotContain("\tat ");
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

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
