package io.jnsq.protocol;

import java.nio.ByteBuffer;

/**
 * A message as it travels in a MESSAGE frame (and, in nsqd's format, on disk):
 * {@code [8-byte timestamp ns][2-byte attempts][16-byte id][body]}.
 */
public record Message(byte[] id, long timestamp, int attempts, byte[] body) {

    public static final int HEADER_SIZE = 8 + 2 + MessageId.SIZE;

    public static Message decode(byte[] data) {
        if (data.length < HEADER_SIZE) {
            throw new IllegalArgumentException("message frame too short: " + data.length + " bytes");
        }
        ByteBuffer buf = ByteBuffer.wrap(data);
        long timestamp = buf.getLong();
        int attempts = Short.toUnsignedInt(buf.getShort());
        byte[] id = new byte[MessageId.SIZE];
        buf.get(id);
        byte[] body = new byte[buf.remaining()];
        buf.get(body);
        return new Message(id, timestamp, attempts, body);
    }

    public byte[] encode() {
        ByteBuffer buf = ByteBuffer.allocate(HEADER_SIZE + body.length);
        buf.putLong(timestamp).putShort((short) attempts).put(id).put(body);
        return buf.array();
    }

    public String idString() {
        return MessageId.toString(id);
    }
}
