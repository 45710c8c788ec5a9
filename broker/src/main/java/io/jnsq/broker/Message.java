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

    final long id;
    final long timestamp;
    final byte[] body;

    int attempts;
    /** Nanos (System.nanoTime) until which the message is deferred; 0 when it is not. */
    long deferredUntil;
    /** While in flight: who has it, since when, until when, and where it sits in the in-flight heap. */
    ClientConnection owner;
    long deliveredAt;
    long deadline;
    int heapIndex = -1;

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

    /** Writes the whole MESSAGE frame: {@code [size][2][timestamp][attempts][id][body]}. */
    void writeFrame(ByteBuffer out) {
        out.putInt(4 + io.jnsq.protocol.Message.HEADER_SIZE + body.length);
        out.putInt(2);
        out.putLong(timestamp);
        out.putShort((short) attempts);
        out.put(MessageId.of(id));
        out.put(body);
    }

    /** nsqd's on-disk form, the MESSAGE frame's data: {@code [timestamp][attempts][id][body]}. */
    byte[] encode() {
        return new io.jnsq.protocol.Message(MessageId.of(id), timestamp, attempts, body).encode();
    }

    static Message decode(byte[] data) {
        io.jnsq.protocol.Message wire = io.jnsq.protocol.Message.decode(data);
        long id = parseId(wire.id());
        if (id < 0) {
            throw new IllegalArgumentException("message id is not hex: " + wire.idString());
        }
        Message m = new Message(id, wire.timestamp(), wire.body());
        m.attempts = wire.attempts();
        return m;
    }

    /** Parses a 16-byte hex id as this broker generates them; -1 when it is not one of ours. */
    static long parseId(byte[] id) {
        if (id.length != MessageId.SIZE) {
            return -1;
        }
        long v = 0;
        for (byte b : id) {
            int d = Character.digit(b, 16);
            if (d < 0) {
                return -1;
            }
            v = (v << 4) | d;
        }
        return v;
    }
}
