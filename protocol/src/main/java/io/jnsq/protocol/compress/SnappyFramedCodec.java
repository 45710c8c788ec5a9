package io.jnsq.protocol.compress;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.zip.CRC32C;
import org.xerial.snappy.Snappy;

/**
 * Snappy's framing format (the stream identifier, then compressed or uncompressed chunks with a masked CRC-32C), as
 * Go's snappy.NewBufferedWriter/NewReader speak it for NSQ. Decoding is incremental: partial chunks wait for the rest.
 */
public final class SnappyFramedCodec implements StreamCodec {

    private static final byte[] STREAM_IDENTIFIER = {(byte) 0xff, 0x06, 0x00, 0x00, 's', 'N', 'a', 'P', 'p', 'Y'};
    private static final int MAX_CHUNK = 65536;

    private boolean identifierSent;
    private byte[] pending = new byte[0];

    @Override
    public byte[] encode(byte[] plain) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(plain.length + 64);
            if (!identifierSent) {
                out.write(STREAM_IDENTIFIER);
                identifierSent = true;
            }
            for (int off = 0; off < plain.length; off += MAX_CHUNK) {
                int len = Math.min(MAX_CHUNK, plain.length - off);
                byte[] chunk = new byte[len];
                System.arraycopy(plain, off, chunk, 0, len);
                byte[] compressed = Snappy.compress(chunk);
                boolean useCompressed = compressed.length < len - len / 8;
                byte[] data = useCompressed ? compressed : chunk;
                int bodyLen = 4 + data.length;
                out.write(useCompressed ? 0x00 : 0x01);
                out.write(bodyLen & 0xff);
                out.write((bodyLen >> 8) & 0xff);
                out.write((bodyLen >> 16) & 0xff);
                writeLe32(out, maskedCrc(chunk));
                out.write(data);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException("snappy compression failed", e);
        }
    }

    @Override
    public byte[] decode(byte[] compressed, int offset, int length) throws IOException {
        byte[] buf = new byte[pending.length + length];
        System.arraycopy(pending, 0, buf, 0, pending.length);
        System.arraycopy(compressed, offset, buf, pending.length, length);
        ByteArrayOutputStream out = new ByteArrayOutputStream(length * 2 + 64);
        int pos = 0;
        while (buf.length - pos >= 4) {
            int type = buf[pos] & 0xff;
            int len = (buf[pos + 1] & 0xff) | (buf[pos + 2] & 0xff) << 8 | (buf[pos + 3] & 0xff) << 16;
            if (buf.length - pos - 4 < len) {
                break;
            }
            int body = pos + 4;
            switch (type) {
                case 0xff -> {
                    if (len != 6 || buf[body] != 's' || buf[body + 5] != 'Y') {
                        throw new IOException("invalid snappy stream identifier");
                    }
                }
                case 0x00 -> {
                    byte[] data = Snappy.uncompress(slice(buf, body + 4, len - 4));
                    checkCrc(buf, body, data);
                    out.write(data);
                }
                case 0x01 -> {
                    byte[] data = slice(buf, body + 4, len - 4);
                    checkCrc(buf, body, data);
                    out.write(data);
                }
                default -> {
                    if (type < 0x80) {
                        throw new IOException("unsupported snappy chunk type " + type);
                    }
                    // 0x80-0xfe: skippable or padding
                }
            }
            pos = body + len;
        }
        pending = slice(buf, pos, buf.length - pos);
        return out.toByteArray();
    }

    private static void checkCrc(byte[] buf, int at, byte[] data) throws IOException {
        int expected = (buf[at] & 0xff) | (buf[at + 1] & 0xff) << 8 | (buf[at + 2] & 0xff) << 16 | (buf[at + 3] & 0xff) << 24;
        if (expected != maskedCrc(data)) {
            throw new IOException("snappy chunk checksum mismatch");
        }
    }

    static int maskedCrc(byte[] data) {
        CRC32C crc = new CRC32C();
        crc.update(data);
        int c = (int) crc.getValue();
        return ((c >>> 15) | (c << 17)) + 0xa282ead8;
    }

    private static byte[] slice(byte[] b, int from, int len) {
        byte[] out = new byte[len];
        System.arraycopy(b, from, out, 0, len);
        return out;
    }

    private static void writeLe32(ByteArrayOutputStream out, int v) {
        out.write(v & 0xff);
        out.write((v >> 8) & 0xff);
        out.write((v >> 16) & 0xff);
        out.write((v >> 24) & 0xff);
    }
}
