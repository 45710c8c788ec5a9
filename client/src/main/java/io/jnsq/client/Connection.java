package io.jnsq.client;

import io.jnsq.protocol.Command;
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
import javax.net.ssl.SSLSocket;

/**
 * One protocol V2 connection to an nsqd: IDENTIFY on open (then TLS, compression and AUTH as negotiated), a reader thread that answers heartbeats and hands
 * messages to a listener, and synchronous commands that wait for their OK or error frame.
 */
final class Connection implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    final String address;
    private volatile Socket socket;
    private DataOutputStream out;
    private DataInputStream in;
    private String identity = "";
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
        String host = address.substring(0, colon);
        Socket plain = new Socket();
        try {
            socket = plain;
            plain.connect(new InetSocketAddress(host, Integer.parseInt(address.substring(colon + 1))),
                    (int) config.dialTimeout.toMillis());
        } catch (IOException | NumberFormatException e) {
            throw new NsqException("cannot connect to nsqd at " + address + ": " + e.getMessage(), e);
        }
        plain.setTcpNoDelay(true);
        // the negotiation below is answered at once: a server that stops answering is an error, not a hang
        plain.setSoTimeout((int) Math.max(config.dialTimeout.toMillis(), 5000));
        try {
            negotiate(plain, host, config);
            socket.setSoTimeout(0);
        } catch (IOException e) {
            close();
            throw e instanceof NsqException n ? n : new NsqException("nsqd at " + address + ": " + e.getMessage(), e);
        }
        reader = new Thread(this::readLoop, "nsq-conn-" + address);
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Magic and IDENTIFY, then what nsqd agreed to, in nsqd's order: TLS (an OK frame over it), compression (an OK
     * frame compressed), AUTH when nsqd requires it. Leaves {@link #in} and {@link #out} on the final layers.
     */
    private void negotiate(Socket plain, String host, Config config) throws IOException {
        // ready before asking: nsqd gives the handshake 5 s, and loading keys in a cold JVM can take a while
        ClientTls tlsSettings = config.tlsV1 ? ClientTls.of(config) : null;
        OutputStream rawOut = plain.getOutputStream();
        InputStream rawIn = new BufferedInputStream(plain.getInputStream(), 64 * 1024);
        out = new DataOutputStream(new BufferedOutputStream(rawOut, 16 * 1024));
        in = new DataInputStream(rawIn);
        out.write(Command.MAGIC_V2);
        out.write(Command.withBody("IDENTIFY", identifyBody(config)));
        out.flush();
        Frame answer = expectResponse();
        JsonNode negotiated = answer.text().startsWith("{") ? JSON.readTree(answer.text()) : JSON.createObjectNode();
        if (config.tlsV1) {
            if (!negotiated.path("tls_v1").asBoolean(false)) {
                // go-nsq would carry on in plain text; a client that asked for TLS must not
                throw new NsqException("nsqd at " + address + " does not offer TLS (start it with --tls-cert and --tls-key)");
            }
            SSLSocket tls = tlsSettings.upgrade(plain, host, plain.getPort(), address);
            socket = tls;
            rawOut = tls.getOutputStream();
            rawIn = new BufferedInputStream(tls.getInputStream(), 64 * 1024);
            out = new DataOutputStream(new BufferedOutputStream(rawOut, 16 * 1024));
            in = new DataInputStream(rawIn);
            expectResponse(); // OK, the first frame over TLS
        }
        StreamCodec codec = negotiatedCodec(negotiated, config);
        if (codec != null) {
            out = new DataOutputStream(CompressedStreams.encoding(rawOut, codec));
            in = new DataInputStream(CompressedStreams.decoding(rawIn, codec));
            expectResponse(); // OK, the first compressed frame
        }
        if (negotiated.path("auth_required").asBoolean(false)) {
            if (config.authSecret.isEmpty()) {
                throw new NsqException("nsqd at " + address + " requires AUTH: set auth_secret");
            }
            out.write(Command.withBody("AUTH", config.authSecret.getBytes(StandardCharsets.UTF_8)));
            out.flush();
            JsonNode auth = JSON.readTree(expectResponse().text());
            identity = auth.path("identity").asText("");
        }
    }

    /** The next frame, which must be a response; an error frame is thrown as the broker worded it. */
    private Frame expectResponse() throws IOException {
        Frame f = Frame.read(in, 1024 * 1024);
        if (f.type() == FrameType.ERROR) {
            throw new NsqException(f.text());
        }
        return f;
    }

    /** The identity nsqd's auth server gave our {@code auth_secret}; empty without AUTH. */
    String identity() {
        return identity;
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
        if (config.tlsV1) {
            body.put("tls_v1", true);
        }
        return body.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The codec the broker agreed to, from its IDENTIFY answer (JSON with feature negotiation, else {@code OK}). */
    private static StreamCodec negotiatedCodec(JsonNode negotiated, Config config) {
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
        awaiting = true; // before writing: a fast error frame must reach the waiter, not the unasked-for log
        out.write(Command.withBody(line, body));
        out.flush();
        return awaitResponse(line);
    }

    /** Sends a command that has a response (SUB, CLS). */
    synchronized String command(String line) throws IOException {
        awaiting = true;
        write(line);
        return awaitResponse(line);
    }

    /** Sends a command that has no response on success (RDY, FIN, REQ, TOUCH, NOP). */
    synchronized void write(String line) throws IOException {
        out.write(Command.line(line));
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
