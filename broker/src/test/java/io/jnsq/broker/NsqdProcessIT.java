package io.jnsq.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bin/nsqd as users run it: a real process with NSQ's flags. Needs the module packaged (runs in verify). */
class NsqdProcessIT {

    private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();

    @TempDir
    Path data;

    private static ProcessBuilder nsqd(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ROOT.resolve("bin/nsqd").toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("JNSQ_NO_BUILD", "1");
        return pb;
    }

    private static String run(Process p) throws Exception {
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return out;
    }

    @Test
    void versionPrintsNsqStyleLineAndExitsZero() throws Exception {
        Process p = nsqd("--version").start();
        assertThat(run(p)).startsWith("nsqd v1.3.0 (built w/jnsq ");
        assertThat(p.exitValue()).isZero();
    }

    @Test
    void unknownFlagExitsTwoWithAClearMessage() throws Exception {
        Process p = nsqd("--no-such-flag=1").start();
        String out = run(p);
        assertThat(p.exitValue()).isEqualTo(2);
        assertThat(out).contains("nsqd: Unknown option: '--no-such-flag=1'").doesNotContain("Exception");
    }

    @Test
    void aTakenTcpPortIsOneClearLineAndExitOne() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Process p = nsqd("--tcp-address=127.0.0.1:" + taken.getLocalPort(), "--http-address=127.0.0.1:0",
                    "--data-path=" + data).start();
            String out = run(p);
            assertThat(p.exitValue()).isEqualTo(1);
            assertThat(out).contains("Port " + taken.getLocalPort() + " seems to be in use").doesNotContain("\tat ");
        }
    }

    @Test
    void badDurationExitsTwo() throws Exception {
        Process p = nsqd("-msg-timeout=soon").start();
        String out = run(p);
        assertThat(p.exitValue()).isEqualTo(2);
        assertThat(out).contains("invalid duration \"soon\"");
    }

    /**
     * A SIGTERM at any moment of the start (a pod deleted while it starts, Ctrl-C on bin/quickstart) stops the
     * daemon: one came after the signal handlers were installed but before Quarkus ran the application was lost, and
     * nsqd went on serving. The signals are sent across the time a start takes on this machine.
     */
    @Test
    void aSigtermAtAnyMomentOfTheStartStopsIt() throws Exception {
        long start = System.nanoTime();
        Process first = startedNsqd();
        long startNanos = System.nanoTime() - start;
        first.toHandle().destroy();
        assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
        for (int percent = 20; percent <= 100; percent += 5) {
            int tcp = freePort();
            int http = freePort();
            Process p = nsqd("--tcp-address=127.0.0.1:" + tcp, "--http-address=127.0.0.1:" + http, "--data-path=" + data)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            try {
                TimeUnit.NANOSECONDS.sleep(startNanos * percent / 100);
                p.toHandle().destroy(); // SIGTERM
                assertThat(p.waitFor(20, TimeUnit.SECONDS))
                        .as("nsqd stopped after a SIGTERM %d%% into its start", percent).isTrue();
                assertThat(p.exitValue()).as("exit code").isIn(0, 143); // 143: before the JVM had the handlers
            } finally {
                p.destroyForcibly();
            }
        }
    }

    private Process startedNsqd() throws Exception {
        int http = freePort();
        Process p = nsqd("--tcp-address=127.0.0.1:" + freePort(), "--http-address=127.0.0.1:" + http,
                "--data-path=" + data).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        HttpClient client = HttpClient.newHttpClient();
        URI ping = URI.create("http://127.0.0.1:" + http + "/ping");
        for (long deadline = System.currentTimeMillis() + 60_000; System.currentTimeMillis() < deadline; Thread.sleep(5)) {
            try {
                if (client.send(HttpRequest.newBuilder(ping).build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200) {
                    return p;
                }
            } catch (IOException e) {
                // not yet listening
            }
        }
        p.destroyForcibly();
        throw new AssertionError("nsqd did not answer /ping within 60 s");
    }

    @Test
    void servesWithGoStyleFlagsAndStopsCleanlyOnSigterm() throws Exception {
        int tcp = freePort();
        int http = freePort();
        Process p = nsqd("-tcp-address=127.0.0.1:" + tcp, "--http-address", "127.0.0.1:" + http,
                "--data-path=" + data, "--mem-queue-size=5").start();
        try {
            HttpClient client = HttpClient.newHttpClient();
            URI ping = URI.create("http://127.0.0.1:" + http + "/ping");
            long deadline = System.currentTimeMillis() + 60_000;
            boolean up = false;
            while (!up && System.currentTimeMillis() < deadline) {
                try {
                    up = client.send(HttpRequest.newBuilder(ping).build(), HttpResponse.BodyHandlers.ofString())
                            .statusCode() == 200;
                } catch (IOException e) {
                    Thread.sleep(200);
                }
            }
            assertThat(up).as("nsqd answered /ping").isTrue();
            HttpResponse<String> pub = client.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + http + "/pub?topic=proc")).POST(HttpRequest.BodyPublishers.ofString("x")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(pub.body()).isEqualTo("OK");
            try (V2Client c = V2Client.connect(tcp)) {
                c.publish("proc", "over tcp");
            }
            p.toHandle().destroy(); // SIGTERM
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isZero();
        } finally {
            p.destroyForcibly();
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
