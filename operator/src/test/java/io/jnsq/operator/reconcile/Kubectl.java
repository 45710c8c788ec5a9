package io.jnsq.operator.reconcile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * kubectl against the test's API server as cluster admin: what a user sees ({@code get nsq}, {@code describe nsq}).
 * The binary is kube-api-test's own (it lays out kubectl next to kube-apiserver), or the one on the PATH.
 */
final class Kubectl {

    private Kubectl() {
    }

    static Optional<Path> binary() {
        String dir = System.getenv().getOrDefault("KUBE_API_TEST_DIR", System.getProperty("user.home") + "/.kubeapitest");
        try (var versions = Files.list(Path.of(dir, "k8s"))) {
            Optional<Path> own = versions.map(v -> v.resolve("kubectl")).filter(Files::isExecutable).findFirst();
            if (own.isPresent()) {
                return own;
            }
        } catch (IOException e) {
            // no kube-api-test layout: try the PATH
        }
        for (String p : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(p, "kubectl"))) {
                return Optional.of(Path.of(p, "kubectl"));
            }
        }
        return Optional.empty();
    }

    /** kubectl's output (stdout and stderr), after it exits 0. */
    static String run(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(binary().orElseThrow().toString(), "--kubeconfig",
                KubeApiServer.ADMIN_KUBECONFIG.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError("kubectl " + String.join(" ", args) + " failed:\n" + out);
        }
        return out;
    }
}
