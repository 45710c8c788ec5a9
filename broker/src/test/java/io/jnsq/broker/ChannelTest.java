package io.jnsq.broker;

import static org.assertj.core.api.Assertions.assertThat;

import io.jnsq.protocol.Frame;
import io.jnsq.protocol.Message;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Topic and channel semantics as consumers see them over TCP. The test broker runs with --msg-timeout=2s and
 * --mem-queue-size=100 ({@link TempDataPath}).
 */
@QuarkusTest
@io.quarkus.test.common.QuarkusTestResource(TempDataPath.class)
class ChannelTest {

    @Inject
    TcpServer tcp;

    @Inject
    Nsqd nsqd;

    private V2Client consumer(String topic, String channel, String identify) throws Exception {
        V2Client c = V2Client.connect(tcp.port());
        c.identify(identify);
        return c.subscribe(topic, channel);
    }

    private V2Client consumer(String topic, String channel) throws Exception {
        return consumer(topic, channel, "{}");
    }

    private void publish(String topic, String... bodies) throws Exception {
        try (V2Client p = V2Client.connect(tcp.port())) {
            for (String b : bodies) {
                p.publish(topic, b);
            }
        }
    }

    @Test
    void everyChannelReceivesEveryMessage() throws Exception {
        try (V2Client a = consumer("fanout", "a"); V2Client b = consumer("fanout", "b")) {
            a.command("RDY 10");
            b.command("RDY 10");
            publish("fanout", "m1", "m2", "m3");
            for (V2Client c : List.of(a, b)) {
                List<String> got = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    Message m = c.readMessage();
                    got.add(new String(m.body()));
                    c.command("FIN " + m.idString());
                }
                assertThat(got).containsExactly("m1", "m2", "m3");
            }
        }
    }

    @Test
    void consumersOfOneChannelSplitTheStreamWithoutDuplicates() throws Exception {
        try (V2Client a = consumer("split", "ch"); V2Client b = consumer("split", "ch")) {
            a.command("RDY 1");
            b.command("RDY 1");
            Thread.sleep(200);
            String[] bodies = new String[20];
            for (int i = 0; i < 20; i++) {
                bodies[i] = "m" + i;
            }
            publish("split", bodies);
            Set<String> seen = new HashSet<>();
            int fromA = 0;
            int fromB = 0;
            // RDY 1 each: a consumer gets its next message only after FIN, so both must take part
            while (seen.size() < 20) {
                for (V2Client c : List.of(a, b)) {
                    if (seen.size() == 20) {
                        break;
                    }
                    Message m = c.readMessage();
                    assertThat(seen.add(new String(m.body()))).as("no duplicates").isTrue();
                    if (c == a) {
                        fromA++;
                    } else {
                        fromB++;
                    }
                    c.command("FIN " + m.idString());
                }
            }
            assertThat(fromA).isPositive();
            assertThat(fromB).isPositive();
        }
    }

    @Test
    void topicWithoutChannelKeepsMessagesForTheFirstChannel() throws Exception {
        publish("held", "early1", "early2");
        try (V2Client c = consumer("held", "late")) {
            c.command("RDY 5");
            assertThat(new String(c.readMessage().body())).isEqualTo("early1");
            assertThat(new String(c.readMessage().body())).isEqualTo("early2");
        }
    }

    @Test
    void unfinishedMessageIsRedeliveredAfterTimeoutWithMoreAttempts() throws Exception {
        try (V2Client c = consumer("timeouts", "ch", "{\"msg_timeout\":1000}")) {
            c.command("RDY 1");
            publish("timeouts", "slow");
            Message first = c.readMessage();
            assertThat(first.attempts()).isEqualTo(1);
            long start = System.nanoTime();
            Message again = c.readMessage();
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isGreaterThanOrEqualTo(700);
            assertThat(again.idString()).isEqualTo(first.idString());
            assertThat(again.attempts()).isEqualTo(2);
            c.command("FIN " + again.idString());
            assertThat(nsqd.existingTopic("timeouts").existingChannel("ch").stats(false).timeoutCount()).isEqualTo(1);
        }
    }

    @Test
    void touchKeepsAMessageInFlight() throws Exception {
        try (V2Client c = consumer("touching", "ch", "{\"msg_timeout\":1000}")) {
            c.command("RDY 1");
            publish("touching", "t");
            Message m = c.readMessage();
            for (int i = 0; i < 3; i++) {
                Thread.sleep(600);
                c.command("TOUCH " + m.idString());
            }
            c.command("FIN " + m.idString());
            assertThat(c.silentFor(1500)).isTrue();
        }
    }

    @Test
    void requeueWithDelayRedeliversAfterTheDelay() throws Exception {
        try (V2Client c = consumer("requeue", "ch")) {
            c.command("RDY 1");
            publish("requeue", "again");
            Message m = c.readMessage();
            long start = System.nanoTime();
            c.command("REQ " + m.idString() + " 700");
            Message back = c.readMessage();
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isGreaterThanOrEqualTo(600);
            assertThat(back.attempts()).isEqualTo(2);
            c.command("FIN " + back.idString());
            var stats = nsqd.existingTopic("requeue").existingChannel("ch").stats(true);
            assertThat(stats.requeueCount()).isEqualTo(1);
            assertThat(stats.clients().get(0).requeueCount()).isEqualTo(1);
        }
    }

    @Test
    void deferredPublishIsHeldUntilDue() throws Exception {
        try (V2Client c = consumer("deferred", "ch"); V2Client p = V2Client.connect(tcp.port())) {
            c.command("RDY 1");
            long start = System.nanoTime();
            p.command("DPUB deferred 800", "later".getBytes());
            assertThat(p.read().text()).isEqualTo("OK");
            assertThat(nsqd.existingTopic("deferred").existingChannel("ch").stats(false).deferredCount()).isEqualTo(1);
            Message m = c.readMessage();
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isGreaterThanOrEqualTo(700);
            assertThat(new String(m.body())).isEqualTo("later");
        }
    }

    @Test
    void pausedChannelHoldsMessagesUntilUnpaused() throws Exception {
        try (V2Client c = consumer("pausing", "ch")) {
            c.command("RDY 5");
            Channel ch = nsqd.existingTopic("pausing").existingChannel("ch");
            ch.pause();
            publish("pausing", "p1");
            assertThat(c.silentFor(400)).isTrue();
            ch.unpause();
            assertThat(new String(c.readMessage().body())).isEqualTo("p1");
        }
    }

    @Test
    void pausedTopicHoldsMessagesForItsChannels() throws Exception {
        try (V2Client c = consumer("tpause", "ch")) {
            c.command("RDY 5");
            Topic t = nsqd.existingTopic("tpause");
            t.pause();
            publish("tpause", "held");
            assertThat(c.silentFor(400)).isTrue();
            assertThat(t.stats(null, false).depth()).isEqualTo(1);
            t.unpause();
            assertThat(new String(c.readMessage().body())).isEqualTo("held");
        }
    }

    @Test
    void emptyChannelDropsQueuedMessages() throws Exception {
        publish("emptying", "x");
        Channel ch = nsqd.existingTopic("emptying").getChannel("ch");
        publish("emptying", "y", "z");
        assertThat(ch.depth()).as("x was held by the topic and handed to its first channel").isEqualTo(3);
        ch.empty();
        assertThat(ch.depth()).isZero();
    }

    @Test
    void ephemeralChannelVanishesWithItsLastConsumer() throws Exception {
        V2Client c = consumer("eph", "tail#ephemeral");
        assertThat(nsqd.existingTopic("eph").existingChannel("tail#ephemeral")).isNotNull();
        c.close();
        long deadline = System.currentTimeMillis() + 5000;
        while (nsqd.existingTopic("eph").existingChannel("tail#ephemeral") != null && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        assertThat(nsqd.existingTopic("eph").existingChannel("tail#ephemeral")).isNull();
    }

    @Test
    void ephemeralTopicVanishesWithItsLastChannel() throws Exception {
        V2Client c = consumer("gone#ephemeral", "ch#ephemeral");
        c.close();
        long deadline = System.currentTimeMillis() + 5000;
        while (nsqd.existingTopic("gone#ephemeral") != null && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        assertThat(nsqd.existingTopic("gone#ephemeral")).isNull();
    }

    @Test
    void messagesBeyondTheMemoryBoundSpillToDiskAndComeBackInOrder() throws Exception {
        // --mem-queue-size=100 in the test broker: 150 messages put 50 on disk
        Channel ch = nsqd.getTopic("spill").getChannel("ch");
        try (V2Client p = V2Client.connect(tcp.port())) {
            List<String> batch = new ArrayList<>();
            for (int i = 0; i < 150; i++) {
                batch.add("m" + i);
            }
            p.command("MPUB spill", V2Client.mpubBody(batch));
            assertThat(p.read().text()).isEqualTo("OK");
        }
        var stats = ch.stats(false);
        assertThat(stats.depth()).isEqualTo(150);
        assertThat(stats.backendDepth()).isEqualTo(50);
        try (V2Client c = consumer("spill", "ch")) {
            c.command("RDY 200");
            for (int i = 0; i < 150; i++) {
                Message m = c.readMessage();
                assertThat(new String(m.body())).isEqualTo("m" + i);
                c.command("FIN " + m.idString());
            }
        }
        assertThat(ch.depth()).isZero();
    }

    @Test
    void deletingAChannelClosesItsConsumers() throws Exception {
        try (V2Client c = consumer("deleting", "ch")) {
            assertThat(nsqd.existingTopic("deleting").deleteChannel("ch")).isTrue();
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void statsCountWhatConsumersDid() throws Exception {
        try (V2Client c = consumer("counted", "ch")) {
            c.command("RDY 3");
            publish("counted", "a", "b");
            Message m1 = c.readMessage();
            Message m2 = c.readMessage();
            c.command("FIN " + m1.idString());
            c.command("REQ " + m2.idString() + " 0");
            Message m3 = c.readMessage();
            c.command("FIN " + m3.idString());
            c.command("NOP");
            Thread.sleep(200);
            var s = nsqd.existingTopic("counted").stats(null, true);
            assertThat(s.messageCount()).isEqualTo(2);
            assertThat(s.messageBytes()).isEqualTo(2);
            var ch = s.channels().get(0);
            assertThat(ch.messageCount()).isEqualTo(2);
            assertThat(ch.requeueCount()).isEqualTo(1);
            assertThat(ch.inFlightCount()).isZero();
            var client = ch.clients().get(0);
            assertThat(client.finishCount()).isEqualTo(2);
            assertThat(client.messageCount()).isEqualTo(3);
            assertThat(client.readyCount()).isEqualTo(3);
            assertThat(client.state()).isEqualTo(3);
        }
    }
}
