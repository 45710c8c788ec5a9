package io.jnsq.broker;

import static org.assertj.core.api.Assertions.assertThat;

import io.jnsq.protocol.Frame;
import io.jnsq.protocol.FrameType;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * IDENTIFY bodies over a real socket, as nsqd v1.3.0 decodes them (Go's encoding/json into identifyDataV2): every
 * body nsqd answers OK is answered OK, and what Go refuses is E_BAD_BODY.
 */
@QuarkusTest
class IdentifyBodyTest {

    @Inject
    TcpServer tcp;

    private Frame identify(byte[] body) throws Exception {
        try (V2Client c = V2Client.connect(tcp.port())) {
            c.command("IDENTIFY", body);
            Frame answer = c.read();
            if (answer.type() == FrameType.RESPONSE) {
                // the connection is usable afterwards
                c.publish("identify_body", "after");
            }
            return answer;
        }
    }

    private Frame identify(String json) throws Exception {
        return identify(json.getBytes(StandardCharsets.UTF_8));
    }

    private static String nested(int depth) {
        return "{\"deep\":" + "[".repeat(depth - 1) + "]".repeat(depth - 1) + ",\"client_id\":\"d\"}";
    }

    @Test
    void jsonNullIsAnIdentifyThatSetsNothing() throws Exception {
        assertThat(identify("null").text()).isEqualTo("OK");
    }

    @Test
    void deeplyNestedUnknownKeysAreIgnoredUpToGosDepthLimit() throws Exception {
        assertThat(identify(nested(IdentifyData.MAX_DEPTH)).text()).isEqualTo("OK");
        assertThat(identify(nested(IdentifyData.MAX_DEPTH + 1)).text())
                .isEqualTo("E_BAD_BODY IDENTIFY failed to decode JSON body");
    }

    @Test
    void invalidUtf8InKeysAndValuesIsAccepted() throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes("{\"".getBytes(StandardCharsets.US_ASCII));
        b.writeBytes(new byte[] {(byte) 0xff, (byte) 0xfe, 'k'});
        b.writeBytes("\":1,\"client_id\":\"".getBytes(StandardCharsets.US_ASCII));
        b.writeBytes(new byte[] {(byte) 0xc3, 'x', (byte) 0x80});
        b.writeBytes("\"}".getBytes(StandardCharsets.US_ASCII));
        assertThat(identify(b.toByteArray()).text()).isEqualTo("OK");
    }

    @Test
    void keysMatchWithoutRegardToCaseAsInGo() throws Exception {
        assertThat(identify("{\"HEARTBEAT_Interval\":5}").text())
                .isEqualTo("E_BAD_BODY IDENTIFY heartbeat interval (5) is invalid");
    }

    @Test
    void integersPast32BitsAreRangeCheckedAsGosIntExceptTheInt32SampleRate() throws Exception {
        // answers of the real nsqd v1.3.0: Go's int is 64 bits, sample_rate an int32
        assertThat(identify("{\"heartbeat_interval\":4294967296}").text())
                .isEqualTo("E_BAD_BODY IDENTIFY heartbeat interval (4294967296) is invalid");
        assertThat(identify("{\"output_buffer_size\":4294967296}").text())
                .isEqualTo("E_BAD_BODY IDENTIFY output buffer size (4294967296) is invalid");
        assertThat(identify("{\"output_buffer_timeout\":-4294967296}").text())
                .isEqualTo("E_BAD_BODY IDENTIFY output buffer timeout (-4294967296) is invalid");
        assertThat(identify("{\"msg_timeout\":9223372036854775807}").text())
                .isEqualTo("E_BAD_BODY IDENTIFY msg timeout (9223372036854775807) is invalid");
        assertThat(identify("{\"deflate_level\":4294967296}").text()).isEqualTo("OK");
        for (String body : new String[] {"{\"msg_timeout\":9223372036854775808}", "{\"sample_rate\":2147483648}"}) {
            assertThat(identify(body).text()).as(body).isEqualTo("E_BAD_BODY IDENTIFY failed to decode JSON body");
        }
    }

    @Test
    void whatGoRefusesIsABadBody() throws Exception {
        for (String body : new String[] {"[]", "\"x\"", "1", "{} {}", "{\"client_id\":1}", "{\"snappy\":\"yes\"}",
                "{\"msg_timeout\":1.5}", "{\"x\":[1,]}", "{'client_id':'x'}"}) {
            assertThat(identify(body).text()).as(body).isEqualTo("E_BAD_BODY IDENTIFY failed to decode JSON body");
        }
    }

    @Test
    void nullValuesLeaveTheDefaults() throws Exception {
        assertThat(identify("{\"client_id\":null,\"heartbeat_interval\":null,\"snappy\":null}").text()).isEqualTo("OK");
    }
}
