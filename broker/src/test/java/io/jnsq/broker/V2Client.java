package io.jnsq.broker;

import io.jnsq.protocol.Command;
import io.jnsq.protocol.Frame;
import io.jnsq.protocol.FrameType;
import io.jnsq.protocol.Message;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** A deliberately raw protocol V2 client for tests: exact bytes out, frames in. */
final class V2Client implements AutoCloseable {

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    private V2Client(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    static V2Client connect(int port) throws IOException {
        V2Client c = new V2Client(port);
        c.raw(Command.MAGIC_V2);
        return c;
    }

    static V2Client connectWithoutMagic(int port) throws IOException {
        return new V2Client(port);
    }

    V2Client raw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    V2Client command(String line) throws IOException {
        return raw(Command.line(line));
    }

    V2Client command(String line, byte[] body) throws IOException {
        return raw(withBody(line, body));
    }

    static byte[] withBody(String line, byte[] body) {
        return Command.withBody(line, body);
    }

    static byte[] mpubBody(List<String> messages) {
        return Command.mpubBody(messages.stream().map(m -> m.getBytes(StandardCharsets.UTF_8)).toList());
    }

    /** IDENTIFY with a JSON body; returns the response frame. */
    Frame identify(String json) throws IOException {
        command("IDENTIFY", json.getBytes(StandardCharsets.UTF_8));
        return read();
    }

    /** SUB after an IDENTIFY with the given msg_timeout (ms), answering OK. */
    V2Client subscribe(String topic, String channel) throws IOException {
        command("SUB " + topic + " " + channel);
        Frame f = read();
        if (!f.text().equals("OK")) {
            throw new IOException("SUB failed: " + f.text());
        }
        return this;
    }

    V2Client publish(String topic, String body) throws IOException {
        command("PUB " + topic, body.getBytes(StandardCharsets.UTF_8));
        Frame f = read();
        if (!f.text().equals("OK")) {
            throw new IOException("PUB failed: " + f.text());
        }
        return this;
    }

    /** The next frame that is not a heartbeat (answering heartbeats with NOP, as clients must). */
    Frame read() throws IOException {
        while (true) {
            Frame f = Frame.read(in, 64 * 1024 * 1024);
            if (f.isHeartbeat()) {
                command("NOP");
                continue;
            }
            return f;
        }
    }

    /** Raw bytes of the next frame, header included. */
    byte[] readRawFrame() throws IOException {
        int size = in.readInt();
        byte[] rest = new byte[size];
        in.readFully(rest);
        return ByteBuffer.allocate(4 + size).putInt(size).put(rest).array();
    }

    Message readMessage() throws IOException {
        Frame f = read();
        if (f.type() != FrameType.MESSAGE) {
            throw new IOException("expected a message, got " + f.type() + " " + f.text());
        }
        return Message.decode(f.data());
    }

    /** Whether no frame arrives within {@code millis}. */
    boolean silentFor(int millis) throws IOException {
        socket.setSoTimeout(millis);
        try {
            Frame f = read();
            throw new IOException("unexpected frame " + f.type() + " " + f.text());
        } catch (SocketTimeoutException e) {
            return true;
        } finally {
            socket.setSoTimeout(10_000);
        }
    }

    /** Whether the server closed the connection (EOF or reset) within 5 s. */
    boolean closedByServer() throws IOException {
        socket.setSoTimeout(5_000);
        try {
            while (true) {
                if (in.read() < 0) {
                    return true;
                }
            }
        } catch (EOFException | SocketException e) {
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        }
    }

    /** The client's own port: the one nsqd reports in the client's remote_address. */
    int localPort() {
        return socket.getLocalPort();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
