package io.jnsq.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Topics and channels under many publishers and consumers at once, without sockets: every published message is
 * finished exactly once, whatever the mix of memory and disk, requeues and timeouts.
 */
class ChannelConcurrencyTest {

    @TempDir
    Path data;

    private Nsqd nsqd;

    @AfterEach
    void stop() {
        if (nsqd != null) {
            nsqd.shutdown();
        }
    }

    @Test
    void manyPublishersAndConsumersFinishEveryMessageExactlyOnce() throws Exception {
        // a small memory queue: most of the stream goes through the disk backlog and back
        nsqd = TestBroker.start(data, "--mem-queue-size=50", "--max-bytes-per-file=65536");
        Topic topic = nsqd.getTopic("busy");
        Channel channel = topic.getChannel("ch");
        int publishers = 4;
        int perPublisher = 3000;
        int total = publishers * perPublisher;
        Map<String, AtomicInteger> finished = new ConcurrentHashMap<>();
        AtomicInteger finishedCount = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < publishers; p++) {
            int id = p;
            threads.add(new Thread(() -> {
                try {
                    for (int i = 0; i < perPublisher; i += 10) {
                        List<Message> batch = new ArrayList<>();
                        for (int k = i; k < i + 10; k++) {
                            batch.add(nsqd.newMessage(("p" + id + "-" + k).getBytes(StandardCharsets.UTF_8)));
                        }
                        topic.publish(batch).get(10, TimeUnit.SECONDS);
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }));
        }
        for (int c = 0; c < 4; c++) {
            TestConsumer consumer = new TestConsumer(TimeUnit.SECONDS.toNanos(60));
            channel.addConsumer(consumer);
            threads.add(new Thread(() -> {
                List<Message> got = new ArrayList<>();
                try {
                    while (finishedCount.get() < total && failure.get() == null) {
                        got.clear();
                        consumer.pull(channel, 20, got, 50);
                        for (Message m : got) {
                            if (ThreadLocalRandom.current().nextInt(10) == 0) {
                                assertThat(consumer.req(channel, m, 0)).isTrue(); // back to the queue, delivered again
                                continue;
                            }
                            assertThat(consumer.fin(channel, m)).isTrue();
                            finished.computeIfAbsent(new String(m.body, StandardCharsets.UTF_8), k -> new AtomicInteger())
                                    .incrementAndGet();
                            finishedCount.incrementAndGet();
                        }
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join(60_000);
        }
        assertThat(failure.get()).isNull();
        assertThat(finished).hasSize(total);
        assertThat(finished.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
        assertThat(channel.depth()).isZero();
        assertThat(channel.stats(false).inFlightCount()).isZero();
    }

    @Test
    void finRacingTheTimeoutSucceedsAtMostOnceAndNothingIsLost() throws Exception {
        nsqd = TestBroker.start(data, "--mem-queue-size=1000");
        Topic topic = nsqd.getTopic("racy");
        Channel channel = topic.getChannel("ch");
        int total = 2000;
        List<Message> batch = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            batch.add(nsqd.newMessage(("m" + i).getBytes(StandardCharsets.UTF_8)));
        }
        topic.publish(batch).get(10, TimeUnit.SECONDS);
        // a 1 ms timeout: the scanner thread and the finishing consumers fight over every message
        TestConsumer consumer = new TestConsumer(TimeUnit.MILLISECONDS.toNanos(1));
        channel.addConsumer(consumer);
        Map<String, AtomicInteger> finished = new ConcurrentHashMap<>();
        CountDownLatch done = new CountDownLatch(1);
        Thread scanner = new Thread(() -> {
            while (done.getCount() > 0) {
                channel.scan(System.nanoTime());
            }
        });
        scanner.start();
        long deadline = System.currentTimeMillis() + 30_000;
        List<Message> got = new ArrayList<>();
        while (finished.size() < total && System.currentTimeMillis() < deadline) {
            got.clear();
            consumer.pull(channel, 50, got, 10);
            for (Message m : got) {
                if (consumer.fin(channel, m)) {
                    int n = finished.computeIfAbsent(new String(m.body, StandardCharsets.UTF_8), k -> new AtomicInteger())
                            .incrementAndGet();
                    assertThat(n).as("finished twice").isEqualTo(1);
                }
            }
        }
        done.countDown();
        scanner.join();
        assertThat(finished).hasSize(total);
        assertThat(consumer.timedOut.get()).isPositive();
        assertThat(channel.stats(false).timeoutCount()).isEqualTo(consumer.timedOut.get());
        assertThat(channel.depth()).isZero();
    }

    @Test
    void aTopicsDiskBacklogStreamsIntoItsFirstChannelInOrder() throws Exception {
        nsqd = TestBroker.start(data, "--mem-queue-size=10", "--max-bytes-per-file=8192");
        Topic topic = nsqd.getTopic("held");
        int total = 3000;
        for (int i = 0; i < total; i += 100) {
            List<Message> batch = new ArrayList<>();
            for (int k = i; k < i + 100; k++) {
                batch.add(nsqd.newMessage(("m" + k).getBytes(StandardCharsets.UTF_8)));
            }
            topic.publish(batch).get(10, TimeUnit.SECONDS);
        }
        assertThat(topic.stats(null, false).depth()).isEqualTo(total);
        Channel channel = topic.getChannel("ch");
        TestConsumer consumer = new TestConsumer(TimeUnit.SECONDS.toNanos(60));
        channel.addConsumer(consumer);
        List<String> bodies = new ArrayList<>();
        long deadline = System.currentTimeMillis() + 30_000;
        List<Message> got = new ArrayList<>();
        while (bodies.size() < total && System.currentTimeMillis() < deadline) {
            got.clear();
            consumer.pull(channel, 100, got, 50);
            for (Message m : got) {
                bodies.add(new String(m.body, StandardCharsets.UTF_8));
                assertThat(consumer.fin(channel, m)).isTrue();
            }
        }
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            expected.add("m" + i);
        }
        assertThat(bodies).containsExactlyElementsOf(expected);
        assertThat(topic.stats(null, false).depth()).isZero();
    }

    @Test
    void aWaitingConsumerIsWokenByTheNextPublish() throws Exception {
        nsqd = TestBroker.start(data);
        Topic topic = nsqd.getTopic("wake");
        Channel channel = topic.getChannel("ch");
        TestConsumer consumer = new TestConsumer(TimeUnit.SECONDS.toNanos(60));
        channel.addConsumer(consumer);
        List<Message> got = new ArrayList<>();
        assertThat(channel.take(consumer, 10, got)).isZero(); // nothing yet: remembered as waiting
        CountDownLatch woken = new CountDownLatch(1);
        TestConsumer watcher = new TestConsumer(TimeUnit.SECONDS.toNanos(60)) {
            @Override
            public void wake() {
                woken.countDown();
            }
        };
        channel.addConsumer(watcher);
        assertThat(channel.take(watcher, 10, got)).isZero();
        topic.publish(List.of(nsqd.newMessage("a".getBytes(StandardCharsets.UTF_8)),
                nsqd.newMessage("b".getBytes(StandardCharsets.UTF_8)))).get();
        assertThat(woken.await(5, TimeUnit.SECONDS)).as("two messages wake both waiting consumers").isTrue();
        assertThat(channel.take(consumer, 10, got)).isEqualTo(2);
    }

    @Test
    void pausedChannelDeliversNothingUntilUnpaused() throws Exception {
        nsqd = TestBroker.start(data);
        Topic topic = nsqd.getTopic("pz");
        Channel channel = topic.getChannel("ch");
        CountDownLatch woken = new CountDownLatch(1);
        TestConsumer consumer = new TestConsumer(TimeUnit.SECONDS.toNanos(60)) {
            @Override
            public void wake() {
                woken.countDown();
            }
        };
        channel.addConsumer(consumer);
        channel.pause();
        topic.publish(List.of(nsqd.newMessage("x".getBytes(StandardCharsets.UTF_8)))).get();
        List<Message> got = new ArrayList<>();
        assertThat(channel.take(consumer, 10, got)).isZero();
        assertThat(woken.getCount()).isOne();
        channel.unpause();
        assertThat(woken.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(channel.take(consumer, 10, got)).isEqualTo(1);
    }
}
