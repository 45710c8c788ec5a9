package io.jnsq.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Channel#peek}: the next messages in delivery order wherever they wait (memory, read ahead, disk), taken by
 * no one, within the count and byte caps.
 */
class ChannelPeekTest {

    @TempDir
    Path data;

    private Nsqd nsqd;

    @AfterEach
    void stop() {
        if (nsqd != null) {
            nsqd.shutdown();
        }
    }

    private void publish(Topic topic, int from, int to) throws Exception {
        List<Message> batch = new ArrayList<>();
        for (int i = from; i < to; i++) {
            batch.add(nsqd.newMessage(("m" + i).getBytes(StandardCharsets.UTF_8)));
        }
        topic.publish(batch).get(10, TimeUnit.SECONDS);
    }

    private static List<String> bodies(List<Message> messages) {
        return messages.stream().map(m -> new String(m.body, StandardCharsets.UTF_8)).toList();
    }

    private static List<String> expected(int from, int to) {
        List<String> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            out.add("m" + i);
        }
        return out;
    }

    /** Takes {@code n} messages as a consumer with that much RDY would, waiting for the disk when it must. */
    private static List<Message> take(Channel channel, TestConsumer consumer, int n) throws Exception {
        List<Message> got = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (got.size() < n && System.nanoTime() < deadline) {
            consumer.pull(channel, consumer.inFlight.get() + n - got.size(), got, 50);
        }
        assertThat(got).hasSize(n);
        return got;
    }

    @Test
    void withNoMemoryQueueEveryMessageIsPeekedFromDisk() throws Exception {
        nsqd = TestBroker.start(data, "--mem-queue-size=0", "--max-bytes-per-file=200");
        Topic topic = nsqd.getTopic("disk_only");
        Channel channel = topic.getChannel("c");
        publish(topic, 0, 30); // several segments

        assertThat(bodies(channel.peek(20, MessagePeek.MAX_BYTES).get(10, TimeUnit.SECONDS))).isEqualTo(expected(0, 20));
        assertThat(bodies(channel.peek(100, MessagePeek.MAX_BYTES).get(10, TimeUnit.SECONDS))).isEqualTo(expected(0, 30));
        assertThat(channel.depth()).isEqualTo(30);

        TestConsumer consumer = new TestConsumer(TimeUnit.SECONDS.toNanos(60));
        channel.addConsumer(consumer);
        List<Message> got = take(channel, consumer, 30);
        assertThat(bodies(got)).as("nothing was taken by the peeks").isEqualTo(expected(0, 30));
        assertThat(got).allMatch(m -> m.attempts == 1);
    }

    @Test
    void peekFollowsDeliveryOrderFromMemoryThroughReadAheadToDisk() throws Exception {
        nsqd = TestBroker.start(data, "--mem-queue-size=10", "--max-bytes-per-file=200");
        Topic topic = nsqd.getTopic("mixed");
        Channel channel = topic.getChannel("c");
        publish(topic, 0, 40); // m0..m9 in memory, m10..m39 on disk
        assertThat(channel.stats(false).backendDepth()).isEqualTo(30);
        assertThat(bodies(channel.peek(15, MessagePeek.MAX_BYTES).get(10, TimeUnit.SECONDS))).isEqualTo(expected(0, 15));

        TestConsumer consumer = new TestConsumer(TimeUnit.SECONDS.toNanos(60));
        channel.addConsumer(consumer);
        assertThat(bodies(take(channel, consumer, 12))).isEqualTo(expected(0, 12)); // memory, then the disk read ahead
        assertThat(bodies(channel.peek(100, MessagePeek.MAX_BYTES).get(10, TimeUnit.SECONDS)))
                .as("the rest of the read-ahead, then what is still on disk").isEqualTo(expected(12, 40));

        publish(topic, 40, 45); // behind the backlog: to disk too
        assertThat(bodies(channel.peek(100, MessagePeek.MAX_BYTES).get(10, TimeUnit.SECONDS))).isEqualTo(expected(12, 45));
        assertThat(bodies(take(channel, consumer, 33))).isEqualTo(expected(12, 45));
    }

    @Test
    void peekStopsOnceTheBodiesReachTheByteCap() throws Exception {
        nsqd = TestBroker.start(data, "--mem-queue-size=2");
        Topic topic = nsqd.getTopic("big");
        Channel channel = topic.getChannel("c");
        List<Message> batch = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            batch.add(nsqd.newMessage(new byte[400 * 1024]));
        }
        topic.publish(batch).get(10, TimeUnit.SECONDS);
        // 400 KiB, 800 KiB (memory), 1.2 MiB (disk): the third one reaches 1 MiB, the rest are left out
        assertThat(channel.peek(100, MessagePeek.MAX_BYTES).get(10, TimeUnit.SECONDS)).hasSize(3);
        assertThat(channel.peek(100, 1).get(10, TimeUnit.SECONDS)).as("always one, whatever its size").hasSize(1);
    }
}
