package io.jnsq.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The command stream cut back into what was sent, however the bytes are split on the way. */
class CommandDecoderTest {

    private static byte[] stream() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(Command.MAGIC_V2);
        out.writeBytes(Command.identify("{\"client_id\":\"x\"}"));
        out.writeBytes(Command.sub("t", "c"));
        out.writeBytes(Command.rdy(10));
        out.writeBytes("NOP\r\n".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(Command.pub("t", "hello".getBytes(StandardCharsets.UTF_8)));
        List<byte[]> bodies = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            bodies.add(("body-" + i).getBytes(StandardCharsets.UTF_8));
        }
        out.writeBytes(Command.mpub("t", bodies));
        out.writeBytes(Command.fin("0123456789abcdef"));
        return out.toByteArray();
    }

    /** Reads what the decoder holds the way a server does; returns one entry per command. */
    private static void drain(CommandDecoder d, List<String> got, String[] pendingLine, boolean[] magic) {
        while (true) {
            if (!magic[0]) {
                byte[] m = d.magic();
                if (m == null) {
                    return;
                }
                got.add("magic " + new String(m, StandardCharsets.US_ASCII));
                magic[0] = true;
            }
            if (pendingLine[0] == null) {
                CommandDecoder.Line line = d.line();
                if (line == null) {
                    return;
                }
                pendingLine[0] = line.toString();
            }
            String name = pendingLine[0].split(" ")[0];
            if (Command.hasBody(name)) {
                int size = d.bodySize();
                if (size == CommandDecoder.NEED_MORE) {
                    return;
                }
                byte[] body = d.body(size);
                if (body == null) {
                    return;
                }
                got.add(pendingLine[0] + " [" + body.length + "]");
            } else {
                got.add(pendingLine[0]);
            }
            pendingLine[0] = null;
        }
    }

    private static List<String> decodeInPiecesOf(byte[] stream, int piece) {
        CommandDecoder d = new CommandDecoder(16 * 1024);
        List<String> got = new ArrayList<>();
        String[] pending = {null};
        boolean[] magic = {false};
        for (int i = 0; i < stream.length; i += piece) {
            d.feed(stream, i, Math.min(piece, stream.length - i));
            drain(d, got, pending, magic);
        }
        assertThat(d.available()).isZero();
        return got;
    }

    @Test
    void everySplitOfTheStreamDecodesToTheSameCommands() {
        byte[] s = stream();
        List<String> whole = decodeInPiecesOf(s, s.length);
        assertThat(whole).containsExactly("magic   V2", "IDENTIFY [17]", "SUB t c", "RDY 10", "NOP", "PUB t [5]",
                "MPUB t [" + (4 + 2000 * 4 + bodyBytes()) + "]", "FIN 0123456789abcdef");
        for (int piece : new int[] {1, 2, 3, 7, 64, 1000, 4096}) {
            assertThat(decodeInPiecesOf(s, piece)).as("in pieces of %d", piece).isEqualTo(whole);
        }
    }

    private static int bodyBytes() {
        int n = 0;
        for (int i = 0; i < 2000; i++) {
            n += ("body-" + i).length();
        }
        return n;
    }

    @Test
    void theBodySizeIsKnownBeforeTheBodyArrives() {
        CommandDecoder d = new CommandDecoder(1024);
        byte[] pub = Command.pub("t", new byte[100_000]);
        d.feed(pub, 0, 20);
        assertThat(d.line().toString()).isEqualTo("PUB t");
        assertThat(d.bodySize()).isEqualTo(100_000);
        assertThat(d.body(100_000)).isNull();
        d.feed(pub, 20, pub.length - 20);
        assertThat(d.body(100_000)).hasSize(100_000);
    }

    @Test
    void aLineWithoutItsEndIsTooLongPastTheLimit() {
        CommandDecoder d = new CommandDecoder(16);
        d.feed("PUB aaaaaaaaaa".getBytes(StandardCharsets.US_ASCII));
        assertThat(d.line()).isNull();
        assertThat(d.lineTooLong()).isFalse();
        d.feed("aaaaaaaaaa".getBytes(StandardCharsets.US_ASCII));
        assertThat(d.line()).isNull();
        assertThat(d.lineTooLong()).isTrue();
    }

    @Test
    void theHotPathReadsFinWithoutStrings() {
        CommandDecoder d = new CommandDecoder(1024);
        d.feed(Command.fin("0123456789abcdef"));
        CommandDecoder.Line line = d.line();
        assertThat(line.startsWithWord("FIN")).isTrue();
        assertThat(line.startsWithWord("FI")).isFalse();
        assertThat(new String(line.bytes(4, 16), StandardCharsets.US_ASCII)).isEqualTo("0123456789abcdef");
    }
}
