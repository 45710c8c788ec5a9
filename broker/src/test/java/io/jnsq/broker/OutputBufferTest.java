package io.jnsq.broker;

import static org.assertj.core.api.Assertions.assertThat;

import io.jnsq.protocol.FrameType;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/**
 * The per-client output buffer negotiated by IDENTIFY ({@code output_buffer_size}, {@code output_buffer_timeout}):
 * messages wait in it as in nsqd, and leave early when it fills, when the client has no RDY left, or before a
 * response.
 */
@QuarkusTest
class OutputBufferTest {

    @Inject
    TcpServer tcp;

    private V2Client consumer(String topic, String identify, int rdy) throws Exception {
        V2Client c = V2Client.connect(tcp.port());
        assertThat(c.identify(identify).type()).isEqualTo(FrameType.RESPONSE);
        c.subscribe(topic, "ch").command("RDY " + rdy);
        return c;
    }

    private void publish(String topic, String... bodies) throws Exception {
        try (V2Client p = V2Client.connect(tcp.port())) {
            for (String b : bodies) {
                p.publish(topic, b);
            }
        }
    }

    @Test
    void aMessageWaitsInTheBufferUntilTheTimeout() throws Exception {
        try (V2Client c = consumer("obuf_wait", "{\"feature_negotiation\":true,\"output_buffer_timeout\":1500}", 10)) {
            long start = System.nanoTime();
            publish("obuf_wait", "held");
            assertThat(c.silentFor(800)).isTrue();
            assertThat(new String(c.readMessage().body())).isEqualTo("held");
            assertThat((System.nanoTime() - start) / 1_000_000).isBetween(1_400L, 9_000L);
        }
    }

    @Test
    void aClientWithNoRdyLeftGetsItsBufferAtOnce() throws Exception {
        try (V2Client c = consumer("obuf_rdy", "{\"feature_negotiation\":true,\"output_buffer_timeout\":20000}", 2)) {
            long start = System.nanoTime();
            publish("obuf_rdy", "one", "two");
            assertThat(new String(c.readMessage().body())).isEqualTo("one");
            assertThat(new String(c.readMessage().body())).isEqualTo("two");
            assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(10_000L);
        }
    }

    @Test
    void aFullBufferGoesOutAtOnce() throws Exception {
        String identify = "{\"feature_negotiation\":true,\"output_buffer_size\":64,\"output_buffer_timeout\":20000}";
        try (V2Client c = consumer("obuf_full", identify, 10)) {
            String body = "x".repeat(100);
            long start = System.nanoTime();
            publish("obuf_full", body);
            assertThat(new String(c.readMessage().body())).isEqualTo(body);
            assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(10_000L);
        }
    }

    @Test
    void bufferingDisabledWithMinusOneWritesEachMessageAtOnce() throws Exception {
        try (V2Client c = consumer("obuf_off", "{\"feature_negotiation\":true,\"output_buffer_size\":-1}", 10)) {
            publish("obuf_off", "now");
            assertThat(new String(c.readMessage().body())).isEqualTo("now");
        }
    }

    @Test
    void aResponseFlushesTheBufferFirstSoFramesKeepTheirOrder() throws Exception {
        try (V2Client c = consumer("obuf_order", "{\"feature_negotiation\":true,\"output_buffer_timeout\":20000}", 10)) {
            publish("obuf_order", "first");
            assertThat(c.silentFor(300)).isTrue();
            c.command("FIN 0123456789abcdef");
            assertThat(new String(c.readMessage().body())).isEqualTo("first");
            assertThat(c.read().text()).isEqualTo("E_FIN_FAILED FIN 0123456789abcdef failed ID not in flight");
        }
    }
}
