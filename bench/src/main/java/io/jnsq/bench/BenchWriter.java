package io.jnsq.bench;

import io.jnsq.cli.GoFlags;
import io.jnsq.cli.NsqVersion;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bench_writer}: MPUB batches from one connection per core for {@code --runfor}, then NSQ's summary line. */
@Command(name = "bench_writer", mixinStandardHelpOptions = true, addMethodSubcommands = false,
        versionProvider = NsqVersion.class,
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
        byte[] command = mpub();
        return BenchRun.run("bench_writer", connections, deadline, size, index -> {
            BenchConnection conn = new BenchConnection(tcpAddress, "writer", "bench_writer/" + NsqVersion.JNSQ);
            return () -> {
                try (conn) {
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
                    return count;
                }
            };
        });
    }

    private byte[] mpub() {
        byte[] msg = new byte[size];
        java.util.Arrays.fill(msg, (byte) 'a');
        return io.jnsq.protocol.Command.mpub(topic, java.util.Collections.nCopies(batchSize, msg));
    }
}
