package io.jnsq.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Frames as the real nsqd writes them (bytes from reference/nsq-v1.3.0/nsqd_tcp_protocol.json). */
class FrameTest {

    @Test
    void okResponseIsTheCapturedBytes() {
        assertThat(HexFormat.of().formatHex(Frame.encode(FrameType.RESPONSE, Frame.OK))).isEqualTo("00000006000000004f4b");
    }

    @Test
    void errorFrameCarriesTypeOne() {
        byte[] frame = Frame.error("E_INVALID invalid command");
        assertThat(frame[7]).isEqualTo((byte) 1);
        assertThat(frame.length).isEqualTo(8 + "E_INVALID invalid command".length());
    }

    @Test
    void readsBackWhatWasEncoded() throws Exception {
        byte[] bytes = Frame.encode(FrameType.RESPONSE, Frame.HEARTBEAT);
        Frame frame = Frame.read(new DataInputStream(new ByteArrayInputStream(bytes)), 1024);
        assertThat(frame.isHeartbeat()).isTrue();
        assertThat(frame.text()).isEqualTo("_heartbeat_");
    }

    @Test
    void messageLayoutIsTimestampAttemptsIdBody() {
        byte[] id = MessageId.of(0x1234);
        Message m = new Message(id, 1_700_000_000_000_000_000L, 3, "hi".getBytes());
        byte[] data = m.encode();
        assertThat(data).hasSize(8 + 2 + 16 + 2);
        assertThat(new String(data, 10, 16)).isEqualTo("0000000000001234");
        Message back = Message.decode(data);
        assertThat(back.attempts()).isEqualTo(3);
        assertThat(back.timestamp()).isEqualTo(1_700_000_000_000_000_000L);
        assertThat(back.idString()).isEqualTo("0000000000001234");
        assertThat(new String(back.body())).isEqualTo("hi");
    }
}
