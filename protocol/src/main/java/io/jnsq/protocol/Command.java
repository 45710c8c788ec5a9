package io.jnsq.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Client-to-server commands of protocol V2 as bytes on the wire: {@code NAME params\n}, followed for PUB, DPUB,
 * MPUB, IDENTIFY and AUTH by a 4-byte big-endian size and the body. The reading side is {@link CommandDecoder}.
 */
public final class Command {

    public static final byte[] MAGIC_V2 = "  V2".getBytes(StandardCharsets.US_ASCII);
    public static final byte[] MAGIC_V1 = "  V1".getBytes(StandardCharsets.US_ASCII);

    private Command() {
    }

    /** Whether commands named {@code name} carry a size-prefixed body after their line. */
    public static boolean hasBody(String name) {
        return switch (name) {
            case "PUB", "MPUB", "DPUB", "IDENTIFY", "AUTH" -> true;
            default -> false;
        };
    }

    /** A command without a body: {@code line\n}. */
    public static byte[] line(String line) {
        return (line + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** A command with a body: {@code line\n[size][body]}. */
    public static byte[] withBody(String line, byte[] body) {
        byte[] head = line.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(head.length + 1 + 4 + body.length).put(head).put((byte) '\n')
                .putInt(body.length).put(body).array();
    }

    public static byte[] pub(String topic, byte[] body) {
        return withBody("PUB " + topic, body);
    }

    public static byte[] dpub(String topic, long deferMillis, byte[] body) {
        return withBody("DPUB " + topic + " " + deferMillis, body);
    }

    /** {@code MPUB topic\n[size][count][size1][body1]...}. */
    public static byte[] mpub(String topic, List<byte[]> bodies) {
        return withBody("MPUB " + topic, mpubBody(bodies));
    }

    /** MPUB's body: {@code [count][size1][body1][size2][body2]...} (also what HTTP {@code /mpub?binary=true} takes). */
    public static byte[] mpubBody(List<byte[]> bodies) {
        int size = 4;
        for (byte[] b : bodies) {
            size += 4 + b.length;
        }
        ByteBuffer body = ByteBuffer.allocate(size).putInt(bodies.size());
        for (byte[] b : bodies) {
            body.putInt(b.length).put(b);
        }
        return body.array();
    }

    public static byte[] identify(String json) {
        return withBody("IDENTIFY", json.getBytes(StandardCharsets.UTF_8));
    }

    public static byte[] sub(String topic, String channel) {
        return line("SUB " + topic + " " + channel);
    }

    public static byte[] rdy(long count) {
        return line("RDY " + count);
    }

    public static byte[] fin(String id) {
        return line("FIN " + id);
    }

    public static byte[] req(String id, long delayMillis) {
        return line("REQ " + id + " " + delayMillis);
    }

    public static byte[] touch(String id) {
        return line("TOUCH " + id);
    }
}
