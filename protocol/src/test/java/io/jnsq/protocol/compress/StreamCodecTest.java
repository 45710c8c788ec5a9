package io.jnsq.protocol.compress;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.Random;
import java.util.zip.Inflater;
import org.junit.jupiter.api.Test;

class StreamCodecTest {

    @Test
    void snappyRoundTripsWhenBytesArriveOneAtATime() throws Exception {
        SnappyFramedCodec writer = new SnappyFramedCodec();
        SnappyFramedCodec reader = new SnappyFramedCodec();
        byte[] first = "PUB t\n".getBytes();
        byte[] big = new byte[200_000];
        new Random(1).nextBytes(big);
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        wire.write(writer.encode(first));
        wire.write(writer.encode(big));
        byte[] bytes = wire.toByteArray();
        assertThat(bytes[0]).isEqualTo((byte) 0xff);
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        for (int i = 0; i < bytes.length; i += 7) {
            got.write(reader.decode(bytes, i, Math.min(7, bytes.length - i)));
        }
        byte[] expected = new byte[first.length + big.length];
        System.arraycopy(first, 0, expected, 0, first.length);
        System.arraycopy(big, 0, expected, first.length, big.length);
        assertThat(got.toByteArray()).isEqualTo(expected);
    }

    @Test
    void snappyRejectsACorruptChecksum() {
        byte[] bytes = new SnappyFramedCodec().encode("hello hello hello hello".getBytes());
        bytes[14] ^= 0x55;
        SnappyFramedCodec reader = new SnappyFramedCodec();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> reader.decode(bytes, 0, bytes.length))
                .isInstanceOf(java.io.IOException.class);
    }

    @Test
    void deflateOutputIsReadableAfterEachWriteBecauseItIsSyncFlushed() throws Exception {
        DeflateCodec writer = new DeflateCodec(6);
        Inflater plainInflater = new Inflater(true);
        byte[] part = writer.encode("OK frame one".getBytes());
        plainInflater.setInput(part);
        byte[] out = new byte[100];
        int n = plainInflater.inflate(out);
        assertThat(new String(out, 0, n)).isEqualTo("OK frame one");

        DeflateCodec reader = new DeflateCodec(6);
        byte[] second = writer.encode("and two".getBytes());
        assertThat(new String(reader.decode(part, 0, part.length))).isEqualTo("OK frame one");
        assertThat(new String(reader.decode(second, 0, second.length))).isEqualTo("and two");
    }

    @Test
    void deflateDecodesCorrectlyWhileAnotherThreadEncodes() throws Exception {
        // a client's reader thread decodes what the broker sends while its consumer threads encode FINs on the same
        // codec: with one shared buffer the decoded frames were overwritten now and then, and nsq_tail over deflate
        // stopped after ~200 of 300 messages (the real nsqd too), waiting for a frame size that was never sent
        DeflateCodec broker = new DeflateCodec(6);
        DeflateCodec client = new DeflateCodec(6);
        String line = "compressible ".repeat(80) + "\n";
        java.util.List<byte[]> wire = new java.util.ArrayList<>();
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 2_000; i++) {
            wire.add(broker.encode((i + line).getBytes()));
            expected.append(i).append(line);
        }
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        Thread fins = new Thread(() -> {
            byte[] fin = "FIN 0123456789abcdef\n".getBytes();
            while (!done.get()) {
                client.encode(fin);
            }
        });
        fins.start();
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        try {
            for (byte[] part : wire) {
                got.write(client.decode(part, 0, part.length));
            }
        } finally {
            done.set(true);
            fins.join();
        }
        assertThat(got.toString()).isEqualTo(expected.toString());
    }
}
