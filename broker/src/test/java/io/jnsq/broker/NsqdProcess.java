package io.jnsq.broker;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A real bin/nsqd process for tests: free ports, a given data path, started and stopped as users do. */
final class NsqdProcess implements AutoCloseable {

    static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    final int tcpPort;
    final int httpPort;
    private final Process process;

    private NsqdProcess(int tcpPort, int httpPort, Process process) {
        this.tcpPort = tcpPort;
        this.httpPort = httpPort;
        this.process = process;
    }

    static NsqdProcess start(Path dataPath, String... extraFlags) throws Exception {
        return startWithFileSizeLimit(0, dataPath, extraFlags);
    }

    /** With {@code ulimit -f blocks} (1 KiB blocks; 0 = none): every file nsqd writes is capped, as on a full disk. */
    static NsqdProcess startWithFileSizeLimit(int blocks, Path dataPath, String... extraFlags) throws Exception {
        int tcp = freePort();
        int http = freePort();
        List<String> cmd = new ArrayList<>();
        if (blocks > 0) {
            cmd.addAll(List.of("bash", "-c", "ulimit -f " + blocks + "; exec \"$0\" \"$@\""));
        }
        cmd.addAll(List.of(ROOT.resolve("bin/nsqd").toString(),
                "--tcp-address=127.0.0.1:" + tcp, "--http-address=127.0.0.1:" + http, "--data-path=" + dataPath));
        cmd.addAll(List.of(extraFlags));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dataPath.resolve("nsqd-" + tcp + ".log").toFile());
        pb.environment().put("JNSQ_NO_BUILD", "1");
        NsqdProcess p = new NsqdProcess(tcp, http, pb.start());
        p.awaitPing();
        return p;
    }

    HttpResponse<String> getResponse(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    String get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    HttpResponse<String> post(String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** SIGTERM, as Ctrl-C or Kubernetes would; returns the exit code. */
    int stop() throws Exception {
        process.toHandle().destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("nsqd did not stop within 60s of SIGTERM");
        }
        return process.exitValue();
    }

    /** kill -9: no shutdown hooks, nothing flushed. */
    void kill() throws Exception {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }

    private void awaitPing() throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("nsqd exited with " + process.exitValue());
            }
            try {
                if (get("/ping").equals("OK")) {
                    return;
                }
            } catch (IOException e) {
                Thread.sleep(200);
            }
        }
        throw new IllegalStateException("nsqd did not answer /ping within 60s");
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
