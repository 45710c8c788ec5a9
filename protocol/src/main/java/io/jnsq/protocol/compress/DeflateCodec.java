package io.jnsq.protocol.compress;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * Raw deflate (RFC 1951, no zlib header), each write sync-flushed: what Go's compress/flate does for NSQ. The two
 * directions are used by different threads at once (a connection's reader decodes while its writers encode), so each
 * has its own buffer; each direction itself is used by one thread at a time.
 */
public final class DeflateCodec implements StreamCodec {

    private final Deflater deflater;
    private final Inflater inflater = new Inflater(true);
    private final byte[] encodeBuffer = new byte[32 * 1024];
    private final byte[] decodeBuffer = new byte[32 * 1024];

    public DeflateCodec(int level) {
        this.deflater = new Deflater(level, true);
    }

    @Override
    public byte[] encode(byte[] plain) {
        deflater.setInput(plain);
        ByteArrayOutputStream out = new ByteArrayOutputStream(plain.length / 2 + 64);
        int n;
        do {
            n = deflater.deflate(encodeBuffer, 0, encodeBuffer.length, Deflater.SYNC_FLUSH);
            out.write(encodeBuffer, 0, n);
        } while (n == encodeBuffer.length || !deflater.needsInput());
        return out.toByteArray();
    }

    @Override
    public byte[] decode(byte[] compressed, int offset, int length) throws IOException {
        inflater.setInput(compressed, offset, length);
        ByteArrayOutputStream out = new ByteArrayOutputStream(length * 3 + 64);
        try {
            int n;
            while ((n = inflater.inflate(decodeBuffer)) > 0) {
                out.write(decodeBuffer, 0, n);
            }
        } catch (DataFormatException e) {
            throw new IOException("invalid deflate stream: " + e.getMessage(), e);
        }
        return out.toByteArray();
    }
}
