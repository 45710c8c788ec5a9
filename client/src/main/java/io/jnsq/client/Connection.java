package io.jnsq.client;

import io.jnsq.protocol.Frame;
import io.jnsq.protocol.FrameType;
import io.jnsq.protocol.Message;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One protocol V2 connection to an nsqd: IDENTIFY on open, a reader thread that answers heartbeats and hands
 * messages to a listener, and synchronous commands that wait for their OK or error frame.
 */
final class Connection implements AutoCloseable {

    final String address;
    private final Socket socket;
    private final DataOutputStream out;
    private final DataInputStream in;
    private final BlockingQueue<Frame> responses = new ArrayBlockingQueue<>(1024);
    private final Thread reader;
    private volatile Consumer<Message> onMessage = m -> { };
    private volatile Runnable onClose = () -> { };
    private volatile boolean closed;
    private volatile boolean awaiting;

    Connection(String address, Config config) throws IOException {
        this.address = address;
        int colon = address.lastIndexOf(':');
        if (colon < 0) {
            throw new NsqException("invalid nsqd address " + address + " (want host:port)");
        }
        socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1))),
                    (int) config.dialTimeout.toMillis());
        } catch (IOException | NumberFormatException e) {
            throw new NsqException("cannot connect to nsqd at " + address + ": " + e.getMessage(), e);
        }
        socket.setTcpNoDelay(true);
        out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), 16 * 1024));
        in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 64 * 1024));
        out.write("  V2".getBytes(StandardCharsets.US_ASCII));
        String identify = "{\"client_id\":\"" + json(config.clientId) + "\",\"hostname\":\"" + json(config.hostname)
                + "\",\"user_agent\":\"" + json(config.userAgent) + "\",\"feature_negotiation\":true"
                + ",\"heartbeat_interval\":" + config.heartbeatInterval.toMillis()
                + (config.msgTimeout.isZero() ? "" : ",\"msg_timeout\":" + config.msgTimeout.toMillis()) + "}";
        reader = new Thread(this::readLoop, "nsq-conn-" + address);
        reader.setDaemon(true);
        reader.start();
        command("IDENTIFY", identify.getBytes(StandardCharsets.UTF_8));
    }

    void onMessage(Consumer<Message> listener) {
        this.onMessage = listener;
    }

    void onClose(Runnable listener) {
        this.onClose = listener;
    }

    /** Sends a command with a body and waits for its response frame; an error frame is thrown. */
    synchronized String command(String line, byte[] body) throws IOException {
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        out.writeInt(body.length);
        out.write(body);
        out.flush();
        return awaitResponse(line);
    }

    /** Sends a command that has a response (SUB, CLS). */
    synchronized String command(String line) throws IOException {
        write(line);
        return awaitResponse(line);
    }

    /** Sends a command that has no response on success (RDY, FIN, REQ, TOUCH, NOP). */
    synchronized void write(String line) throws IOException {
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        closed = true;
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    private String awaitResponse(String line) throws IOException {
        awaiting = true;
        try {
            Frame f = responses.poll(30, TimeUnit.SECONDS);
            if (f == null) {
                throw new NsqException("no response from " + address + " to " + line.split(" ")[0]);
            }
            if (f.type() == FrameType.ERROR) {
                throw new NsqException(f.text());
            }
            return f.text();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NsqException("interrupted", e);
        } finally {
            awaiting = false;
        }
    }

    private void readLoop() {
        try {
            while (!closed) {
                Frame f = Frame.read(in, 64 * 1024 * 1024);
                if (f.type() == FrameType.MESSAGE) {
                    onMessage.accept(Message.decode(f.data()));
                } else if (f.isHeartbeat()) {
                    write("NOP");
                } else if (f.type() == FrameType.ERROR && !awaiting) {
                    // errors of FIN/REQ/TOUCH (which have no response on success) arrive unasked for
                    System.err.println("nsq: " + address + ": " + f.text());
                } else {
                    responses.offer(f);
                }
            }
        } catch (IOException e) {
            responses.offer(new Frame(FrameType.ERROR, ("E_CONNECTION_CLOSED " + e.getMessage()).getBytes(StandardCharsets.UTF_8)));
        } finally {
            closed = true;
            onClose.run();
        }
    }

    private static String json(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
