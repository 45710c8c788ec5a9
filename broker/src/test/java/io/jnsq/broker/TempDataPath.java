package io.jnsq.broker;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The flags of the broker that {@code @QuarkusTest}s run against: loopback, random ports, short message timeout,
 * a small memory bound (so spilling to disk is exercised), and a fresh data path removed afterwards.
 */
public class TempDataPath implements QuarkusTestResourceLifecycleManager {

    private Path dir;

    @Override
    public Map<String, String> start() {
        try {
            dir = Files.createTempDirectory("jnsq-test-data");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of("jnsq.nsqd.args", "--tcp-address=127.0.0.1:0 --http-address=127.0.0.1:0 --msg-timeout=2s"
                + " --mem-queue-size=100 --broadcast-address=127.0.0.1 --data-path=" + dir);
    }

    @Override
    public void stop() {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort
        }
    }
}
