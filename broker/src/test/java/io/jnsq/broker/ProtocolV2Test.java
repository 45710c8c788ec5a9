package io.jnsq.broker;

import static org.assertj.core.api.Assertions.assertThat;

import io.jnsq.protocol.Frame;
import io.jnsq.protocol.FrameType;
import io.jnsq.protocol.Message;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Protocol V2 over a real socket, checked against the bytes the real nsqd v1.3.0 sent (nsqd_tcp_protocol.json). */
@QuarkusTest
class ProtocolV2Test {

    private static final String OK_FRAME = "00000006000000004f4b";

    @Inject
    TcpServer tcp;

    private V2Client connect() throws Exception {
        return V2Client.connect(tcp.port());
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    @Test
    void identifyWithFeatureNegotiationAnswersNsqdsJson() throws Exception {
        try (V2Client c = connect()) {
            c.command("IDENTIFY", ("{\"client_id\": \"cap\", \"hostname\": \"cap\", \"feature_negotiation\": true,"
                    + " \"heartbeat_interval\": 30000, \"user_agent\": \"tcpcap/1.0\", \"long_id\": \"x\", \"short_id\": \"y\"}")
                    .getBytes(StandardCharsets.UTF_8));
            byte[] frame = c.readRawFrame();
            // msg_timeout differs from the capture only because the test broker runs with --msg-timeout=2s
            assertThat(new String(frame, 8, frame.length - 8, StandardCharsets.UTF_8)).isEqualTo(
                    "{\"max_rdy_count\":2500,\"version\":\"1.3.0\",\"max_msg_timeout\":900000,\"msg_timeout\":2000,"
                    + "\"tls_v1\":false,\"deflate\":false,\"deflate_level\":6,\"max_deflate_level\":6,\"snappy\":false,"
                    + "\"sample_rate\":0,\"auth_required\":false,\"output_buffer_size\":16384,\"output_buffer_timeout\":250}");
            assertThat(hex(frame).substring(8, 16)).isEqualTo("00000000");
        }
    }

    @Test
    void identifyWithoutFeatureNegotiationAnswersOk() throws Exception {
        try (V2Client c = connect()) {
            c.command("IDENTIFY", "{\"client_id\": \"x\"}".getBytes(StandardCharsets.UTF_8));
            assertThat(hex(c.readRawFrame())).isEqualTo(OK_FRAME);
        }
    }

    @Test
    void pubMpubDpubAndNopAnswerTheCapturedOkFrames() throws Exception {
        try (V2Client c = connect()) {
            c.raw(HexFormat.of().parseHex("505542206361705f746f7069630a0000000968656c6c6f2d746370"));
            assertThat(hex(c.readRawFrame())).isEqualTo(OK_FRAME);
            c.raw(HexFormat.of().parseHex("4d505542206361705f746f7069630a0000001200000002000000036d2d61000000036d2d62"));
            assertThat(hex(c.readRawFrame())).isEqualTo(OK_FRAME);
            c.raw(HexFormat.of().parseHex("44505542206361705f746f706963203130300a0000000c64656665727265642d746370"));
            assertThat(hex(c.readRawFrame())).isEqualTo(OK_FRAME);
            c.raw(HexFormat.of().parseHex("4e4f500a505542206361705f746f7069630a0000000961667465722d6e6f70"));
            assertThat(hex(c.readRawFrame())).isEqualTo(OK_FRAME);
        }
    }

    @Test
    void commandsSplitAcrossManyWritesAreReassembled() throws Exception {
        try (V2Client c = connect(); V2Client consumer = connect()) {
            consumer.identify("{\"client_id\":\"frag\"}");
            consumer.subscribe("frag_topic", "ch");
            consumer.command("RDY 5");
            byte[] all = V2Client.withBody("MPUB frag_topic", V2Client.mpubBody(List.of("one", "two")));
            for (byte b : all) {
                c.raw(new byte[] {b});
            }
            assertThat(c.read().text()).isEqualTo("OK");
            assertThat(new String(consumer.readMessage().body())).isEqualTo("one");
            assertThat(new String(consumer.readMessage().body())).isEqualTo("two");
        }
    }

    @Test
    void messageFramesCarryTimestampAttemptsIdAndBody() throws Exception {
        try (V2Client pub = connect(); V2Client sub = connect()) {
            long before = System.currentTimeMillis() * 1_000_000L;
            pub.publish("layout_topic", "hello-tcp");
            sub.identify("{}");
            sub.subscribe("layout_topic", "ch").command("RDY 10");
            byte[] frame = sub.readRawFrame();
            assertThat(frame.length).isEqualTo(4 + 39);
            assertThat(hex(frame).substring(0, 16)).isEqualTo("0000002700000002");
            Message m = Message.decode(java.util.Arrays.copyOfRange(frame, 8, frame.length));
            assertThat(m.attempts()).isEqualTo(1);
            assertThat(m.timestamp()).isBetween(before, System.currentTimeMillis() * 1_000_000L);
            assertThat(m.idString()).matches("[0-9a-f]{16}");
            assertThat(new String(m.body())).isEqualTo("hello-tcp");
        }
    }

    @Test
    void theMessagesOfAnMpubHaveDistinctIdsThatFinishAndTheBatchsTimestamp() throws Exception {
        try (V2Client pub = connect(); V2Client sub = connect()) {
            List<String> bodies = java.util.stream.IntStream.range(0, 300).mapToObj(i -> "batch-" + i).toList();
            sub.identify("{}");
            sub.subscribe("batch_topic", "ch").command("RDY 300");
            long before = System.currentTimeMillis() * 1_000_000L;
            pub.command("MPUB batch_topic", V2Client.mpubBody(bodies));
            assertThat(pub.read().text()).isEqualTo("OK");
            java.util.Set<String> ids = new java.util.HashSet<>();
            java.util.Set<Long> timestamps = new java.util.HashSet<>();
            for (String body : bodies) {
                Message m = sub.readMessage();
                assertThat(new String(m.body())).isEqualTo(body);
                assertThat(m.idString()).matches("[0-9a-f]{16}");
                ids.add(m.idString());
                timestamps.add(m.timestamp());
                sub.command("FIN " + m.idString());
            }
            assertThat(ids).hasSize(300);
            assertThat(timestamps).singleElement().satisfies(t -> assertThat(t).isGreaterThanOrEqualTo(before));
            // every FIN found its message: the next thing the consumer reads is the next message, not E_FIN_FAILED
            pub.publish("batch_topic", "after");
            assertThat(new String(sub.readMessage().body())).isEqualTo("after");
        }
    }

    @Test
    void finOfUnknownIdIsAnErrorThatKeepsTheConnection() throws Exception {
        try (V2Client c = connect()) {
            c.identify("{}");
            c.subscribe("fin_topic", "ch");
            c.command("FIN 0123456789abcdef");
            assertThat(c.read().text()).isEqualTo("E_FIN_FAILED FIN 0123456789abcdef failed ID not in flight");
            c.command("TOUCH 0000000000000000");
            assertThat(c.read().text()).isEqualTo("E_TOUCH_FAILED TOUCH 0000000000000000 failed ID not in flight");
            c.command("REQ 0000000000000000 0");
            assertThat(c.read().text()).isEqualTo("E_REQ_FAILED REQ 0000000000000000 failed ID not in flight");
            c.publish("fin_topic", "still-open");
        }
    }

    @Test
    void fatalErrorsAnswerNsqdsTextAndCloseTheConnection() throws Exception {
        assertFatal("FOO bar\n", "E_INVALID invalid command FOO");
        assertFatal("PUB bad!topic\n\0\0\0\1x", "E_BAD_TOPIC PUB topic name \"bad!topic\" is not valid");
        assertFatal("PUB cap_topic\n\0\0\0\0", "E_BAD_MESSAGE PUB invalid message body size 0");
        assertFatal("DPUB cap_topic 99999999999\n\0\0\0\1x", "E_INVALID DPUB timeout 99999999999 out of range 0-3600000");
        assertFatal("RDY 1\n", "E_INVALID cannot RDY in current state");
        assertFatal("MPUB cap_topic\n\0\0\0\4\0\0\0\0", "E_BAD_BODY MPUB invalid message count 0");
        assertFatal("CLS\n", "E_INVALID cannot CLS in current state");
        assertFatal("AUTH\n\0\0\0\6secret", "E_AUTH_DISABLED AUTH disabled");
        assertFatal("SUB cap_topic bad!chan\n", "E_BAD_CHANNEL SUB channel name \"bad!chan\" is not valid");
        assertFatal("MPUB bad!t\n", "E_BAD_TOPIC E_BAD_TOPIC MPUB topic name \"bad!t\" is not valid");
        assertFatal("IDENTIFY\n\0\0\0\5nope}", "E_BAD_BODY IDENTIFY failed to decode JSON body");
        assertFatal("IDENTIFY\n\0\0\0\u0018{\"heartbeat_interval\":5}",
                "E_BAD_BODY IDENTIFY heartbeat interval (5) is invalid");
        assertFatal("PUB t\n\0\u0010\0\1", "E_BAD_MESSAGE PUB message too big 1048577 > 1048576");
        assertFatal("FIN abc\n", "E_INVALID cannot FIN in current state");
    }

    @Test
    void rdyBeyondMaxIsFatal() throws Exception {
        try (V2Client c = connect()) {
            c.identify("{}");
            c.subscribe("rdy_topic", "ch");
            c.command("RDY 2501");
            assertThat(c.read().text()).isEqualTo("E_INVALID RDY count 2501 out of range 0-2500");
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void badMagicGetsEBadProtocolAndClose() throws Exception {
        try (V2Client c = V2Client.connectWithoutMagic(tcp.port())) {
            c.raw("  V1".getBytes(StandardCharsets.US_ASCII));
            assertThat(hex(c.readRawFrame())).isEqualTo("0000001200000001455f4241445f50524f544f434f4c");
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void clsAnswersCloseWaitAndStopsDelivery() throws Exception {
        try (V2Client c = connect()) {
            c.identify("{}");
            c.subscribe("cls_topic", "ch");
            c.command("CLS");
            Frame f = c.read();
            assertThat(f.type()).isEqualTo(FrameType.RESPONSE);
            assertThat(f.text()).isEqualTo("CLOSE_WAIT");
            c.command("RDY 5"); // ignored after CLS, as nsqd does
            try (V2Client p = connect()) {
                p.publish("cls_topic", "x");
            }
            assertThat(c.silentFor(500)).isTrue();
        }
    }

    @Test
    void serverSendsHeartbeatsAndClosesClientsThatNeverAnswer() throws Exception {
        try (V2Client c = connect()) {
            c.command("IDENTIFY", "{\"heartbeat_interval\":1000}".getBytes(StandardCharsets.UTF_8));
            assertThat(c.readRawFrame()).isNotEmpty();
            // raw reads do not answer heartbeats: expect _heartbeat_, then the close after two silent intervals
            Frame hb = Frame.read(new java.io.DataInputStream(new java.io.ByteArrayInputStream(c.readRawFrame())), 1024);
            assertThat(hb.isHeartbeat()).isTrue();
            assertThat(c.closedByServer()).isTrue();
        }
    }

    private void assertFatal(String sent, String expectedError) throws Exception {
        try (V2Client c = connect()) {
            c.raw(sent.getBytes(StandardCharsets.ISO_8859_1));
            Frame f = c.read();
            assertThat(f.type()).as(sent).isEqualTo(FrameType.ERROR);
            assertThat(f.text()).isEqualTo(expectedError);
            assertThat(c.closedByServer()).as("connection closed after " + expectedError).isTrue();
        }
    }
}
