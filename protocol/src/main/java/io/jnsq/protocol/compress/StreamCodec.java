package io.jnsq.protocol.compress;

import java.io.IOException;

/**
 * One direction-pair of a compressed V2 connection after IDENTIFY negotiated deflate or snappy: {@link #encode}
 * compresses what we send and flushes it so the peer can read it at once; {@link #decode} takes whatever bytes
 * arrived and returns what they decompress to so far (possibly nothing). Not thread-safe.
 */
public interface StreamCodec {

    byte[] encode(byte[] plain);

    byte[] decode(byte[] compressed, int offset, int length) throws IOException;
}
