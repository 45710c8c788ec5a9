package io.jnsq.tools;

import io.jnsq.cli.GoFlags;
import io.jnsq.cli.NsqVersion;
import io.jnsq.client.Config;
import io.jnsq.client.Producer;
import io.jnsq.protocol.Names;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code to_nsq}: publishes standard input to a topic, one message per delimited record, to every nsqd given, each
 * publish acknowledged before the next record is read. Ends at end of input, or on SIGINT/SIGTERM after the record
 * being published.
 */
@Command(name = "to_nsq", mixinStandardHelpOptions = true, addMethodSubcommands = false,
        versionProvider = NsqVersion.class, sortOptions = false,
        description = "Publishes the records of standard input to an NSQ topic.")
public final class ToNsq implements Callable<Integer> {

    private static final String LOG = "[to_nsq] ";

    @Option(names = "--topic", defaultValue = "", description = "NSQ topic to publish to")
    String topic;
    @Option(names = "--delimiter", defaultValue = "\n", description = "character to split input from stdin (default: newline)")
    String delimiter;
    @Option(names = "--nsqd-tcp-address", paramLabel = "<addr>", description = "destination nsqd TCP address (may be given multiple times)")
    List<String> nsqdTcpAddresses = new ArrayList<>();
    @Option(names = "--producer-opt", paramLabel = "<name,value>", description = "option to passthrough to the producer (may be given multiple times)")
    List<String> producerOpts = new ArrayList<>();
    @Option(names = "--rate", defaultValue = "0", description = "Throttle messages to n/second. 0 to disable")
    long rate;

    InputStream input = System.in;

    public static void main(String[] args) {
        System.exit(GoFlags.execute(new ToNsq(), args));
    }

    @Override
    public Integer call() throws Exception {
        if (topic.isEmpty()) {
            return Tool.usage("to_nsq", "--topic required");
        }
        if (!Names.isValidTopicName(topic)) {
            return Tool.usage("to_nsq", "--topic is invalid");
        }
        byte[] delim = delimiter.getBytes(StandardCharsets.UTF_8);
        if (delim.length != 1) {
            return Tool.usage("to_nsq", "--delimiter must be a single byte");
        }
        if (nsqdTcpAddresses.isEmpty()) {
            return Tool.usage("to_nsq", "--nsqd-tcp-address required");
        }
        Config config = new Config();
        config.userAgent = "to_nsq/" + NsqVersion.NSQ + " jnsq/" + NsqVersion.JNSQ;
        try {
            producerOpts.forEach(config::set);
        } catch (IllegalArgumentException e) {
            return Tool.usage("to_nsq", "--producer-opt: " + e.getMessage());
        }
        List<Producer> producers = new ArrayList<>();
        for (String address : nsqdTcpAddresses) {
            producers.add(new Producer(address, config));
        }
        CountDownLatch stop = Tool.onTermOrInt();
        if (rate > 0) {
            Tool.log(LOG, "Throttling messages rate to max:" + rate + "/second");
        }
        long published = 0;
        long intervalNanos = rate > 0 ? 1_000_000_000L / rate : 0;
        long nextAt = System.nanoTime();
        try (InputStream in = new BufferedInputStream(input, 64 * 1024)) {
            byte[] record;
            while (stop.getCount() > 0 && (record = readRecord(in, delim[0])) != null) {
                if (record.length == 0) {
                    continue;
                }
                if (intervalNanos > 0) {
                    long wait = nextAt - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                    nextAt = Math.max(nextAt, System.nanoTime() - 1_000_000_000L) + intervalNanos; // at most 1s of credit
                }
                for (Producer p : producers) {
                    p.publish(topic, record);
                }
                published++;
            }
        } finally {
            producers.forEach(Producer::close);
        }
        Tool.log(LOG, "published " + published + " messages to " + topic);
        return 0;
    }

    /** The next record without its delimiter; {@code null} at end of input. A last record needs no delimiter. */
    private static byte[] readRecord(InputStream in, byte delimiter) throws IOException {
        ByteArrayOutputStream record = new ByteArrayOutputStream(256);
        int b;
        while ((b = in.read()) >= 0) {
            if (b == (delimiter & 0xff)) {
                return record.toByteArray();
            }
            record.write(b);
        }
        return record.size() == 0 ? null : record.toByteArray();
    }
}
