package io.jnsq.bench;

import io.jnsq.protocol.Command;
import io.jnsq.protocol.Frame;
import io.jnsq.protocol.FrameType;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;

/** A raw, buffered protocol V2 connection, as NSQ's bench tools use: no client library in the measured path. */
final class BenchConnection implements AutoCloseable {

    final Socket socket;
    final DataInputStream in;
    final DataOutputStream out;

    BenchConnection(String address, String clientId, String userAgent) throws IOException {
        int colon = address.lastIndexOf(':');
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1))), 1000);
        in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 64 * 1024));
        // 4 KB, Go's bufio default, as NSQ's bench tools write: a reader's FINs leave every ~195 messages
        out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), 4096));
        out.write(Command.MAGIC_V2);
        out.write(Command.identify("{\"client_id\":\"" + clientId + "\",\"hostname\":\"" + clientId
                + "\",\"user_agent\":\"" + userAgent + "\"}"));
    }

    void line(String command) throws IOException {
        out.write(Command.line(command));
    }

    /** Reads one frame; an error frame ends the benchmark with nsqd's message. */
    Frame read() throws IOException {
        Frame f = Frame.read(in, 64 * 1024 * 1024);
        if (f.type() == FrameType.ERROR) {
            throw new IOException("nsqd answered " + f.text());
        }
        return f;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
