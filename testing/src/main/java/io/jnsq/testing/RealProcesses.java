package io.jnsq.testing;

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
import java.util.function.BooleanSupplier;

/**
 * The programs of {@code bin/} run as a user runs them, for integration tests: brokers and lookupds on free ports,
 * tools with their output captured to files, all with {@code JNSQ_NO_BUILD=1} (the modules are packaged by then).
 * {@link #close()} kills whatever is still running.
 */
public final class RealProcesses implements AutoCloseable {

    /** The repository root, seen from a module's directory (where Maven runs its tests). */
    public static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final Path dir;
    private final List<Process> processes = new ArrayList<>();
    private final java.util.Map<String, String> environment = new java.util.HashMap<>();
    private int started;

    /** Logs, outputs and data paths go under {@code dir}. */
    public RealProcesses(Path dir) {
        this.dir = dir;
    }

    /** Sets {@code name=value} in the environment of the programs started from now on (e.g. JAVA_OPTS). */
    public RealProcesses environment(String name, String value) {
        environment.put(name, value);
        return this;
    }

    /** A started server and its ports. */
    public record Server(Run run, int tcp, int http) {
        public Process process() {
            return run.process();
        }

        public String tcpAddress() {
            return "127.0.0.1:" + tcp;
        }

        public String httpAddress() {
            return "127.0.0.1:" + http;
        }
    }

    /** A started program and the file its standard output goes to (standard error goes to {@code log}). */
    public record Run(Process process, Path out, Path log) {
        public String output() throws IOException {
            return Files.readString(out);
        }

        public String errors() throws IOException {
            return Files.readString(log);
        }

        /** Waits (up to 60 s) for the process to end. */
        public int exitCode() throws InterruptedException {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                throw new AssertionError("still running after 60 s");
            }
            return process.exitValue();
        }
    }

    public Server lookupd(String... flags) throws Exception {
        return server("nsqlookupd", flags);
    }

    /** A broker registered with {@code lookupd} that announces itself as 127.0.0.1. */
    public Server nsqdWith(Server lookupd, String... flags) throws Exception {
        List<String> all = new ArrayList<>(List.of("--lookupd-tcp-address=" + lookupd.tcpAddress(), "--broadcast-address=127.0.0.1"));
        all.addAll(List.of(flags));
        return nsqd(all.toArray(String[]::new));
    }

    /** A broker with a fresh data path of its own. */
    public Server nsqd(String... flags) throws Exception {
        List<String> all = new ArrayList<>(List.of(flags));
        all.add("--data-path=" + Files.createTempDirectory(dir, "nsqd").toAbsolutePath());
        return server("nsqd", all.toArray(String[]::new));
    }

    /**
     * {@code bin/<binary>} on free TCP and HTTP ports, once it answers {@code /ping}. A free port can be taken by
     * someone else before the server binds it; then the server says so and exits, and it is started again elsewhere.
     */
    public Server server(String binary, String... flags) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                return server(freePort(), freePort(), binary, flags);
            } catch (PortTaken e) {
                if (attempt == 3) {
                    throw e;
                }
            }
        }
    }

    /** {@code bin/<binary>} on these ports (to restart a server where it was), once it answers {@code /ping}. */
    public Server server(int tcp, int http, String binary, String... flags) throws Exception {
        List<String> args = new ArrayList<>(List.of("--tcp-address=127.0.0.1:" + tcp, "--http-address=127.0.0.1:" + http));
        args.addAll(List.of(flags));
        Run run = run(null, binary, args.toArray(String[]::new));
        awaitPing(run, http, "/ping", binary);
        return new Server(run, tcp, http);
    }

    /**
     * Waits until {@code run}, a server started with {@link #run}, answers {@code OK} on {@code path} at {@code port};
     * fails with what it printed as soon as it exits (a port taken meanwhile, a bad flag) instead of waiting 60 s.
     */
    public static void awaitPing(Run run, int port, String path, String what) throws InterruptedException {
        await(() -> {
            if (!run.process().isAlive()) {
                String said = read(run.out()) + read(run.log());
                String message = what + " exited with " + run.process().exitValue() + ": " + said;
                throw said.contains("seems to be in use") ? new PortTaken(message) : new AssertionError(message);
            }
            return get(port, path).equals("OK");
        }, what + " answers " + path);
    }

    private static final class PortTaken extends AssertionError {
        PortTaken(String message) {
            super(message);
        }
    }

    /** Starts {@code bin/<binary>} (or the program at an absolute path) with {@code stdin} (a file, or none) as its standard input. */
    public Run run(Path stdin, String binary, String... args) throws IOException {
        Path program = binary.startsWith("/") ? Path.of(binary) : ROOT.resolve("bin/" + binary);
        List<String> cmd = new ArrayList<>(List.of(program.toString()));
        cmd.addAll(List.of(args));
        int n = ++started;
        String name = program.getFileName().toString();
        Path out = dir.resolve(name + "-" + n + ".out");
        Path log = dir.resolve(name + "-" + n + ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(log.toFile());
        pb.redirectInput(stdin == null ? ProcessBuilder.Redirect.PIPE : ProcessBuilder.Redirect.from(stdin.toFile()));
        pb.environment().put("JNSQ_NO_BUILD", "1");
        pb.environment().putAll(environment);
        Process p = pb.start();
        processes.add(p);
        return new Run(p, out, log);
    }

    /**
     * The real NSQ v1.3.0 program {@code binary} (nsqd, nsqlookupd, ...) where the interop set-up builds it
     * ({@code ~/.cache/nsq-ref/bin}, or {@code $NSQ_REF_BIN}), as an absolute path for {@link #server}; empty when it
     * is not there, and the interop tests that need it are skipped.
     */
    public static java.util.Optional<String> reference(String binary) {
        String dir = System.getenv().getOrDefault("NSQ_REF_BIN", System.getProperty("user.home") + "/.cache/nsq-ref/bin");
        Path p = Path.of(dir, binary);
        return Files.isExecutable(p) ? java.util.Optional.of(p.toAbsolutePath().toString()) : java.util.Optional.empty();
    }

    /** The body of a GET on 127.0.0.1:port; "" when it cannot be reached. */
    public static String get(int port, String path) {
        return http("GET", port, path, null);
    }

    /** The body of a request on 127.0.0.1:port; "" when it cannot be reached. */
    public static String http(String method, int port, String path, String body) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                    .build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException | InterruptedException e) {
            return "";
        }
    }

    /** Waits up to 60 s for {@code condition}; fails the test naming {@code what} otherwise. */
    public static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(50);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        processes.forEach(Process::destroyForcibly);
    }
}
