package io.jnsq.protocol;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * One server-to-client frame of protocol V2: {@code [4-byte size][4-byte type][data]}, where size counts the type
 * and the data. The broker encodes frames with {@link #encode}; clients read them with {@link #read}.
 */
public record Frame(FrameType type, byte[] data) {

    public static final int HEADER_SIZE = 8;
    public static final byte[] OK = "OK".getBytes(StandardCharsets.US_ASCII);
    public static final byte[] HEARTBEAT = "_heartbeat_".getBytes(StandardCharsets.US_ASCII);
    public static final byte[] CLOSE_WAIT = "CLOSE_WAIT".getBytes(StandardCharsets.US_ASCII);

    public static byte[] encode(FrameType type, byte[] data) {
        ByteBuffer buf = ByteBuffer.allocate(HEADER_SIZE + data.length);
        buf.putInt(4 + data.length).putInt(type.code()).put(data);
        return buf.array();
    }

    public static byte[] response(String text) {
        return encode(FrameType.RESPONSE, text.getBytes(StandardCharsets.UTF_8));
    }

    public static byte[] error(String text) {
        return encode(FrameType.ERROR, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Reads one frame; throws {@link EOFException} when the peer closed the connection. */
    public static Frame read(DataInputStream in, int maxSize) throws IOException {
        int size = in.readInt();
        if (size < 4 || size > maxSize) {
            throw new IOException("invalid frame size " + size);
        }
        FrameType type = FrameType.of(in.readInt());
        byte[] data = new byte[size - 4];
        in.readFully(data);
        return new Frame(type, data);
    }

    public String text() {
        return new String(data, StandardCharsets.UTF_8);
    }

    public boolean isHeartbeat() {
        return type == FrameType.RESPONSE && java.util.Arrays.equals(data, HEARTBEAT);
    }
}
