package io.jnsq.client;

import io.jnsq.protocol.compress.StreamCodec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The two halves of a connection after IDENTIFY negotiated deflate or snappy: what we write is compressed a flush at a
 * time (so each command reaches the broker at once), and what we read is decompressed as it arrives.
 */
final class CompressedStreams {

    private CompressedStreams() {
    }

    static OutputStream encoding(OutputStream raw, StreamCodec codec) {
        return new OutputStream() {
            private final ByteArrayOutputStream pending = new ByteArrayOutputStream(16 * 1024);

            @Override
            public void write(int b) {
                pending.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                pending.write(b, off, len);
            }

            @Override
            public void flush() throws IOException {
                if (pending.size() > 0) {
                    raw.write(codec.encode(pending.toByteArray()));
                    pending.reset();
                }
                raw.flush();
            }

            @Override
            public void close() throws IOException {
                raw.close();
            }
        };
    }

    static InputStream decoding(InputStream raw, StreamCodec codec) {
        return new InputStream() {
            private final byte[] chunk = new byte[64 * 1024];
            private byte[] plain = new byte[0];
            private int pos;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                while (pos == plain.length) {
                    int n = raw.read(chunk, 0, chunk.length);
                    if (n < 0) {
                        return -1;
                    }
                    plain = codec.decode(chunk, 0, n);
                    pos = 0;
                }
                int n = Math.min(len, plain.length - pos);
                System.arraycopy(plain, pos, b, off, n);
                pos += n;
                return n;
            }

            @Override
            public void close() throws IOException {
                raw.close();
            }
        };
    }
}
