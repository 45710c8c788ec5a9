package io.jnsq.broker;

import io.jnsq.protocol.MessageId;
import java.nio.ByteBuffer;

/**
 * A message inside the broker. Each channel holds its own copy (attempts and in-flight state differ per channel);
 * copies share the body. Fields other than the identity are guarded by the owning channel's lock.
 */
final class Message {

    /** Frame header (size + type) plus message header (timestamp + attempts + id). */
    static final int FRAME_OVERHEAD = 8 + io.jnsq.protocol.Message.HEADER_SIZE;

    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    final long id;
    final long timestamp;
    final byte[] body;

    int attempts;
    /** Nanos (System.nanoTime) until which the message is deferred; 0 when it is not. */
    long deferredUntil;
    /** While in flight: who has it, since when, until when, and where it sits in the channel's InFlightQueue. */
    Consumer owner;
    long deliveredAt;
    long deadline;
    int queueSlot = -1;
    Message prev;
    Message next;

    Message(long id, long timestamp, byte[] body) {
        this.id = id;
        this.timestamp = timestamp;
        this.body = body;
    }

    /** A fresh copy for one channel: same identity and body, no delivery state. */
    Message copy() {
        Message m = new Message(id, timestamp, body);
        m.attempts = attempts;
        m.deferredUntil = deferredUntil;
        return m;
    }

    int frameSize() {
        return FRAME_OVERHEAD + body.length;
    }

    /** Appends the whole MESSAGE frame: {@code [size][2][timestamp][attempts][id][body]}. */
    void writeFrame(io.netty.buffer.ByteBuf out) {
        int size = frameSize();
        out.ensureWritable(size);
        int at = out.writerIndex();
        out.setInt(at, size - 4);
        out.setInt(at + 4, io.jnsq.protocol.FrameType.MESSAGE.code());
        out.setLong(at + 8, timestamp);
        out.setShort(at + 16, attempts);
        out.setLong(at + 18, hex8((int) (id >>> 32)));
        out.setLong(at + 26, hex8((int) id));
        out.setBytes(at + FRAME_OVERHEAD, body);
        out.writerIndex(at + size);
    }

    /** The 8 lower-case hex digits of {@code v}, as the 8 bytes of a big-endian long. */
    private static long hex8(int v) {
        long digits = 0;
        for (int shift = 28; shift >= 0; shift -= 4) {
            digits = digits << 8 | HEX[(v >>> shift) & 0xf];
        }
        return digits;
    }

    /** nsqd's on-disk form, the MESSAGE frame's data: {@code [timestamp][attempts][id][body]}. */
    byte[] encode() {
        return new io.jnsq.protocol.Message(MessageId.of(id), timestamp, attempts, body).encode();
    }

    static Message decode(byte[] data) {
        int header = io.jnsq.protocol.Message.HEADER_SIZE;
        if (data.length < header) {
            throw new IllegalArgumentException("message too short: " + data.length + " bytes");
        }
        ByteBuffer in = ByteBuffer.wrap(data);
        long timestamp = in.getLong();
        int attempts = Short.toUnsignedInt(in.getShort());
        long id = parseId(data, 10);
        if (id < 0) {
            throw new IllegalArgumentException("message id is not hex: "
                    + new String(data, 10, MessageId.SIZE, java.nio.charset.StandardCharsets.ISO_8859_1));
        }
        Message m = new Message(id, timestamp, java.util.Arrays.copyOfRange(data, header, data.length));
        m.attempts = attempts;
        return m;
    }

    /** Parses the 16 hex digits at {@code at}; -1 when they are not one of our ids. */
    static long parseId(byte[] b, int at) {
        long v = 0;
        for (int i = at; i < at + MessageId.SIZE; i++) {
            int d = hexDigit(b[i]);
            if (d < 0) {
                return -1;
            }
            v = (v << 4) | d;
        }
        return v;
    }

    private static int hexDigit(byte c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    /** Parses a 16-byte hex id as this broker generates them; -1 when it is not one of ours. */
    static long parseId(byte[] id) {
        if (id.length != MessageId.SIZE) {
            return -1;
        }
        return parseId(id, 0);
    }
}
