package io.jnsq.tools;

import io.jnsq.cli.GoFlags;
import io.jnsq.cli.NsqVersion;
import io.jnsq.client.Config;
import io.jnsq.client.Consumer;
import io.jnsq.client.Handler;
import java.io.BufferedOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code nsq_tail}: prints the messages of one or more topics to standard output, one per line, from an ephemeral
 * channel of its own unless {@code --channel} is given. With {@code -n} it stops after that many; a message is
 * finished only once it has been printed, so one taken but not printed goes back to the channel.
 */
@Command(name = "nsq_tail", mixinStandardHelpOptions = true, addMethodSubcommands = false,
        versionProvider = NsqVersion.class, sortOptions = false,
        description = "Prints the messages of NSQ topics to standard output.")
public final class NsqTail implements Callable<Integer> {

    private static final String LOG = "[nsq_tail] ";

    @Option(names = "--topic", description = "NSQ topic (may be given multiple times)")
    List<String> topics = new ArrayList<>();
    @Option(names = "--channel", defaultValue = "", description = "NSQ channel (default: an ephemeral one of its own)")
    String channel;
    @Option(names = {"-n", "--n"}, defaultValue = "0", description = "total messages to show (will wait if starved)")
    long totalMessages;
    @Option(names = "--print-topic", defaultValue = "false", arity = "0..1", description = "print topic name where message was received")
    boolean printTopic;
    @Mixin
    SourceOptions source = new SourceOptions();

    PrintStream output = System.out;

    private CountDownLatch done;
    private long shown;
    private volatile boolean outputFailed;

    public static void main(String[] args) {
        System.exit(GoFlags.execute(new NsqTail(), args));
    }

    @Override
    public Integer call() throws Exception {
        if (source.problem().isPresent()) {
            return Tool.usage("nsq_tail", source.problem().get());
        }
        if (topics.isEmpty()) {
            return Tool.usage("nsq_tail", "--topic required");
        }
        if (channel.isEmpty()) {
            channel = String.format("tail%06d#ephemeral", ThreadLocalRandom.current().nextInt(999_999));
        }
        if (totalMessages > 0 && totalMessages < source.maxInFlight) {
            source.maxInFlight = (int) totalMessages; // don't take more than will be shown
        }
        Config config;
        try {
            config = source.config("nsq_tail");
        } catch (IllegalArgumentException e) {
            return Tool.usage("nsq_tail", "--consumer-opt: " + e.getMessage());
        }
        PrintStream out = new PrintStream(new BufferedOutputStream(output, 64 * 1024), false, StandardCharsets.UTF_8);
        done = Tool.onTermOrInt(); // also released when -n messages have been shown
        List<Consumer> consumers = new ArrayList<>();
        try {
            for (String topic : topics) {
                Tool.log(LOG, "Adding consumer for topic: " + topic);
                consumers.add(source.connect(topic, channel, config, d -> print(out, d), 1));
            }
            done.await();
        } finally {
            consumers.forEach(c -> c.stopReceiving(Duration.ofSeconds(30)));
            synchronized (this) {
                out.flush();
            }
            consumers.forEach(c -> c.stop(Duration.ofSeconds(5)));
        }
        if (outputFailed) {
            System.err.println("nsq_tail: failed to write to standard output");
            return 1;
        }
        return 0;
    }

    private synchronized void print(PrintStream out, Handler.Delivery d) {
        if (totalMessages > 0 && shown >= totalMessages) {
            d.requeue(Duration.ZERO); // shown enough: leave it for others
            return;
        }
        if (printTopic) {
            out.print(d.topic());
            out.print(" | ");
        }
        out.write(d.message().body(), 0, d.message().body().length);
        out.write('\n');
        out.flush();
        if (out.checkError()) {
            outputFailed = true;
            d.requeue(Duration.ZERO);
            done.countDown();
            return;
        }
        shown++;
        if (totalMessages > 0 && shown >= totalMessages) {
            d.finish();
            done.countDown();
        }
    }
}
