package io.jnsq.protocol;

import java.nio.charset.StandardCharsets;

/**
 * Message IDs: 16 ASCII bytes, the lower-case hex form of an 8-byte id, as nsqd produces them. Clients treat them as
 * opaque, but FIN/REQ/TOUCH must carry exactly 16 bytes.
 */
public final class MessageId {

    public static final int SIZE = 16;
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private MessageId() {
    }

    /** Writes the hex form of {@code value} as 16 ASCII bytes. */
    public static byte[] of(long value) {
        byte[] id = new byte[SIZE];
        for (int i = SIZE - 1; i >= 0; i--) {
            id[i] = HEX[(int) (value & 0xf)];
            value >>>= 4;
        }
        return id;
    }

    public static String toString(byte[] id) {
        return new String(id, StandardCharsets.US_ASCII);
    }
}
