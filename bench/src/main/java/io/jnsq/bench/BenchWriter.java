package io.jnsq.bench;

import io.jnsq.cli.GoFlags;
import io.jnsq.cli.NsqVersion;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bench_writer}: MPUB batches from one connection per core for {@code --runfor}, then NSQ's summary line. */
@Command(name = "bench_writer", mixinStandardHelpOptions = true, versionProvider = NsqVersion.class,
        description = "Publishes as fast as nsqd accepts (MPUB batches) and reports the rate.")
public final class BenchWriter implements Callable<Integer> {

    @Option(names = "--runfor", defaultValue = "10s", description = "duration of time to run")
    Duration runfor;
    @Option(names = "--nsqd-tcp-address", defaultValue = "127.0.0.1:4150", description = "<addr>:<port> to connect to nsqd")
    String tcpAddress;
    @Option(names = "--topic", defaultValue = "sub_bench", description = "topic to receive messages on")
    String topic;
    @Option(names = "--size", defaultValue = "200", description = "size of messages")
    int size;
    @Option(names = "--batch-size", defaultValue = "200", description = "batch size of messages")
    int batchSize;
    @Option(names = "--deadline", defaultValue = "", description = "deadline to start the benchmark run (\"2006-01-02 15:04:05\")")
    String deadline;
    @Option(names = "--connections", defaultValue = "0", description = "publishing connections (default: one per core, as NSQ's GOMAXPROCS)")
    int connections;

    public static void main(String[] args) {
        System.exit(GoFlags.execute(new BenchWriter(), args));
    }

    @Override
    public Integer call() throws Exception {
        int workers = connections > 0 ? connections : Runtime.getRuntime().availableProcessors();
        byte[] command = mpub();
        AtomicLong total = new AtomicLong();
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < workers; i++) {
            BenchConnection conn = new BenchConnection(tcpAddress, "writer", "bench_writer/" + NsqVersion.JNSQ);
            Thread t = new Thread(() -> {
                try (conn) {
                    go.await();
                    conn.out.flush();
                    conn.read(); // IDENTIFY's OK
                    long end = System.nanoTime() + runfor.toNanos();
                    long count = 0;
                    do {
                        conn.out.write(command);
                        conn.out.flush();
                        conn.read();
                        count += batchSize;
                    } while (System.nanoTime() < end);
                    total.addAndGet(count);
                } catch (Throwable e) {
                    failures.add(e);
                }
            }, "bench-writer-" + i);
            t.start();
            threads.add(t);
        }
        BenchSummary.waitFor(deadline, "[bench_writer] ");
        long start = System.nanoTime();
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        if (!failures.isEmpty()) {
            System.err.println("[bench_writer] " + failures.get(0).getMessage());
            return 1;
        }
        System.out.println("[bench_writer] " + BenchSummary.line(elapsed, total.get(), size));
        return 0;
    }

    private byte[] mpub() {
        byte[] head = ("MPUB " + topic + "\n").getBytes(StandardCharsets.US_ASCII);
        int bodyLen = 4 + batchSize * (4 + size);
        ByteBuffer b = ByteBuffer.allocate(head.length + 4 + bodyLen).put(head).putInt(bodyLen).putInt(batchSize);
        byte[] msg = new byte[size];
        java.util.Arrays.fill(msg, (byte) 'a');
        for (int i = 0; i < batchSize; i++) {
            b.putInt(size).put(msg);
        }
        return b.array();
    }
}
