package io.jnsq.faults;

import io.jnsq.protocol.Frame;
import io.jnsq.protocol.FrameType;
import io.jnsq.protocol.Message;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** A plain protocol V2 connection to 127.0.0.1 for the fault tests: publishes and consumes, answering heartbeats. */
final class NsqTcp implements AutoCloseable {

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    NsqTcp(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        in = new DataInputStream(socket.getInputStream());
        out = new BufferedOutputStream(socket.getOutputStream());
        out.write("  V2".getBytes(StandardCharsets.US_ASCII));
    }

    void send(String line) throws IOException {
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    void send(String line, byte[] body) throws IOException {
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        out.write(ByteBuffer.allocate(4).putInt(body.length).array());
        out.write(body);
        out.flush();
    }

    /** The next frame that is not a heartbeat (heartbeats are answered). */
    Frame read() throws IOException {
        while (true) {
            Frame f = Frame.read(in, 64 * 1024 * 1024);
            if (!f.isHeartbeat()) {
                return f;
            }
            send("NOP");
        }
    }

    /** PUB; true when nsqd answered OK, false on an error frame. */
    boolean pub(String topic, byte[] body) throws IOException {
        send("PUB " + topic, body);
        return read().type() == FrameType.RESPONSE;
    }

    /** MPUB; true when nsqd answered OK. */
    boolean mpub(String topic, List<byte[]> bodies) throws IOException {
        int size = 4;
        for (byte[] b : bodies) {
            size += 4 + b.length;
        }
        ByteBuffer body = ByteBuffer.allocate(size).putInt(bodies.size());
        bodies.forEach(b -> body.putInt(b.length).put(b));
        send("MPUB " + topic, body.array());
        return read().type() == FrameType.RESPONSE;
    }

    void subscribe(String topic, String channel, int rdy) throws IOException {
        send("SUB " + topic + " " + channel);
        Frame f = read();
        if (f.type() != FrameType.RESPONSE) {
            throw new IOException("SUB: " + f.text());
        }
        send("RDY " + rdy);
    }

    /** IDENTIFY with {@code json}; returns nsqd's answer. */
    Frame identify(String json) throws IOException {
        send("IDENTIFY", json.getBytes(StandardCharsets.UTF_8));
        return read();
    }

    /** The next message, finished at once; null when none arrives within {@code millis}. */
    Message nextFinished(int millis) throws IOException {
        Message m = nextUnfinished(millis);
        if (m != null) {
            send("FIN " + m.idString());
        }
        return m;
    }

    /** The next message, left in flight; null when none arrives within {@code millis}. */
    Message nextUnfinished(int millis) throws IOException {
        socket.setSoTimeout(millis);
        try {
            Frame f = read();
            if (f.type() != FrameType.MESSAGE) {
                throw new IOException("expected a message: " + f.type() + " " + f.text());
            }
            return Message.decode(f.data());
        } catch (java.net.SocketTimeoutException e) {
            return null;
        } finally {
            socket.setSoTimeout(10_000);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
