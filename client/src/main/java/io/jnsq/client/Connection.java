package io.jnsq.client;

import io.jnsq.protocol.Frame;
import io.jnsq.protocol.FrameType;
import io.jnsq.protocol.Message;
import io.jnsq.protocol.compress.DeflateCodec;
import io.jnsq.protocol.compress.SnappyFramedCodec;
import io.jnsq.protocol.compress.StreamCodec;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
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

    private static final ObjectMapper JSON = new ObjectMapper();

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
        OutputStream rawOut = socket.getOutputStream();
        InputStream rawIn = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
        DataOutputStream plainOut = new DataOutputStream(new BufferedOutputStream(rawOut, 16 * 1024));
        DataInputStream plainIn = new DataInputStream(rawIn);
        plainOut.write("  V2".getBytes(StandardCharsets.US_ASCII));
        byte[] identify = identifyBody(config);
        plainOut.write("IDENTIFY\n".getBytes(StandardCharsets.US_ASCII));
        plainOut.writeInt(identify.length);
        plainOut.write(identify);
        plainOut.flush();
        // IDENTIFY is answered before anything else can arrive, so it is read here, before the reader thread starts.
        socket.setSoTimeout((int) Math.max(config.dialTimeout.toMillis(), 5000));
        Frame answer = Frame.read(plainIn, 1024 * 1024);
        if (answer.type() == FrameType.ERROR) {
            close();
            throw new NsqException(answer.text());
        }
        StreamCodec codec = negotiatedCodec(answer.text(), config);
        if (codec == null) {
            out = plainOut;
            in = plainIn;
        } else {
            out = new DataOutputStream(CompressedStreams.encoding(rawOut, codec));
            in = new DataInputStream(CompressedStreams.decoding(rawIn, codec));
            Frame ok = Frame.read(in, 1024 * 1024); // the broker's first compressed frame
            if (ok.type() == FrameType.ERROR) {
                close();
                throw new NsqException(ok.text());
            }
        }
        socket.setSoTimeout(0);
        reader = new Thread(this::readLoop, "nsq-conn-" + address);
        reader.setDaemon(true);
        reader.start();
    }

    private static byte[] identifyBody(Config config) {
        ObjectNode body = JSON.createObjectNode()
                .put("client_id", config.clientId)
                .put("hostname", config.hostname)
                .put("user_agent", config.userAgent)
                .put("feature_negotiation", true)
                .put("heartbeat_interval", config.heartbeatInterval.toMillis());
        if (!config.msgTimeout.isZero()) {
            body.put("msg_timeout", config.msgTimeout.toMillis());
        }
        if (config.deflate) {
            body.put("deflate", true).put("deflate_level", config.deflateLevel);
        }
        if (config.snappy) {
            body.put("snappy", true);
        }
        return body.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The codec the broker agreed to, from its IDENTIFY answer (JSON with feature negotiation, else {@code OK}). */
    private static StreamCodec negotiatedCodec(String answer, Config config) throws IOException {
        if (!answer.startsWith("{")) {
            return null;
        }
        JsonNode negotiated = JSON.readTree(answer);
        if (negotiated.path("snappy").asBoolean(false)) {
            return new SnappyFramedCodec();
        }
        if (negotiated.path("deflate").asBoolean(false)) {
            return new DeflateCodec(negotiated.path("deflate_level").asInt(config.deflateLevel));
        }
        return null;
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

}
