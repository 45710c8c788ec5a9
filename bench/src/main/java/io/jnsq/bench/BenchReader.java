package io.jnsq.bench;

import io.jnsq.cli.GoFlags;
import io.jnsq.cli.NsqVersion;
import io.jnsq.protocol.Frame;
import io.jnsq.protocol.FrameType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bench_reader}: consumes with RDY {@code --rdy} on one connection per core for {@code --runfor}. */
@Command(name = "bench_reader", mixinStandardHelpOptions = true, addMethodSubcommands = false,
        versionProvider = NsqVersion.class,
        description = "Consumes (and FINs) as fast as nsqd delivers and reports the rate.")
public final class BenchReader implements Callable<Integer> {

    @Option(names = "--runfor", defaultValue = "10s", description = "duration of time to run")
    Duration runfor;
    @Option(names = "--nsqd-tcp-address", defaultValue = "127.0.0.1:4150", description = "<addr>:<port> to connect to nsqd")
    String tcpAddress;
    @Option(names = "--size", defaultValue = "200", description = "size of messages")
    int size;
    @Option(names = "--topic", defaultValue = "sub_bench", description = "topic to receive messages on")
    String topic;
    @Option(names = "--channel", defaultValue = "ch", description = "channel to receive messages on")
    String channel;
    @Option(names = "--deadline", defaultValue = "", description = "deadline to start the benchmark run (\"2006-01-02 15:04:05\")")
    String deadline;
    @Option(names = "--rdy", defaultValue = "2500", description = "RDY count to use")
    int rdy;
    @Option(names = "--connections", defaultValue = "0", description = "consuming connections (default: one per core)")
    int connections;

    public static void main(String[] args) {
        System.exit(GoFlags.execute(new BenchReader(), args));
    }

    @Override
    public Integer call() throws Exception {
        return BenchRun.run("bench_reader", connections, deadline, size, index -> {
            BenchConnection conn = new BenchConnection(tcpAddress, "reader", "bench_reader/" + NsqVersion.JNSQ);
            conn.line("SUB " + topic + " " + channel);
            return () -> consume(conn);
        });
    }

    /** Reads and FINs until {@code --runfor} is over; returns how many messages it finished. */
    private long consume(BenchConnection conn) throws IOException {
        long count = 0;
        try (conn) {
            conn.line("RDY " + rdy);
            conn.out.flush();
            conn.read();
            conn.read();
            long end = System.nanoTime() + runfor.toNanos();
            conn.socket.setSoTimeout(200);
            byte[] buf = new byte[64 * 1024];
            while (System.nanoTime() < end) {
                int frameSize;
                try {
                    frameSize = conn.in.readInt();
                } catch (java.net.SocketTimeoutException e) {
                    conn.out.flush();
                    continue;
                }
                int type = conn.in.readInt();
                int dataLen = frameSize - 4;
                if (dataLen > buf.length) {
                    buf = new byte[dataLen];
                }
                conn.in.readFully(buf, 0, dataLen);
                if (type == FrameType.ERROR.code()) {
                    throw new IOException("nsqd answered " + new String(buf, 0, dataLen, StandardCharsets.UTF_8));
                }
                if (type != FrameType.MESSAGE.code()) {
                    if (dataLen == Frame.HEARTBEAT.length) {
                        conn.line("NOP");
                    }
                    continue;
                }
                conn.out.write(FIN);
                conn.out.write(buf, 10, 16);
                conn.out.write('\n');
                count++;
                if (count % rdy > rdy * 0.75 || conn.in.available() == 0) {
                    conn.out.flush();
                }
            }
            conn.out.flush(); // every counted message is finished
        }
        return count;
    }

    private static final byte[] FIN = "FIN ".getBytes(StandardCharsets.US_ASCII);

}
