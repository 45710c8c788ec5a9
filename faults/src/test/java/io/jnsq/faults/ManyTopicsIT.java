package io.jnsq.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.jnsq.testing.RealProcesses;
import io.jnsq.testing.RealProcesses.Server;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many topics with a channel each on bin/nsqd's default flags: every creation succeeds, /stats lists them all, a restart
 * restores them all, and queues that were never used leave no files behind (only nsqd.dat), so they cost no buffers
 * or file descriptors either. 1,000 topics in the quick suite, 10,000 with -Djnsq.soak=true (nsqd v1.3.0 takes 10,000).
 */
@Tag("fault")
class ManyTopicsIT {

    @TempDir
    Path tmp;

    @Test
    void manyIdleTopicsAreCreatedListedAndRestored() throws Exception {
        int count = Boolean.getBoolean("jnsq.soak") ? 10_000 : 1_000;
        try (RealProcesses bin = new RealProcesses(tmp)) {
            Path data = Files.createDirectories(tmp.resolve("data"));
            Server nsqd = bin.server("nsqd", "--data-path=" + data);
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<String>> answers = new java.util.ArrayList<>();
                for (int i = 0; i < count; i++) {
                    int n = i;
                    answers.add(pool.submit(() -> RealProcesses.http("POST", nsqd.http(), "/topic/create?topic=many" + n, "")
                            + RealProcesses.http("POST", nsqd.http(), "/channel/create?topic=many" + n + "&channel=c", "")));
                }
                for (Future<String> a : answers) {
                    assertThat(a.get()).as("creation answers (empty bodies are nsqd's 200)").isEmpty();
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(topicsInStats(nsqd)).isEqualTo(count);
            nsqd.process().destroy();
            nsqd.process().waitFor();
            assertThat(files(data)).containsExactly("nsqd.dat");
            Server again = bin.server("nsqd", "--data-path=" + data);
            assertThat(topicsInStats(again)).isEqualTo(count);
            assertThat(RealProcesses.http("POST", again.http(), "/pub?topic=many0", "after")).isEqualTo("OK");
            assertThat(ServerLog.stackTraceLines(ServerLog.of(again.run()))).isEmpty();
        }
    }

    private static long topicsInStats(Server nsqd) {
        String stats = RealProcesses.get(nsqd.http(), "/stats?format=json");
        return stats.split("\"topic_name\"", -1).length - 1;
    }

    private static List<String> files(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).toList();
        }
    }
}
