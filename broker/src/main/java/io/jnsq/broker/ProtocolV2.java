package io.jnsq.broker;

import io.jnsq.cli.NsqVersion;
import io.jnsq.protocol.Frame;
import io.jnsq.protocol.MessageId;
import io.jnsq.protocol.Names;
import io.jnsq.protocol.compress.DeflateCodec;
import io.jnsq.protocol.compress.SnappyFramedCodec;
import io.jnsq.protocol.compress.StreamCodec;
import io.jnsq.broker.auth.AuthServers;
import io.jnsq.broker.auth.AuthState;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.BiConsumer;
import org.jboss.logging.Logger;

/**
 * NSQ's TCP protocol V2 for one connection: reads the magic, then command lines with their size-prefixed bodies as
 * they arrive (in any fragmentation), and executes them with nsqd v1.3.0's checks, errors and error fatality.
 */
final class ProtocolV2 {

    private static final Logger LOG = Logger.getLogger(ProtocolV2.class);
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
    private static final byte[] MAGIC = "  V2".getBytes(StandardCharsets.US_ASCII);
    /** nsqd reads command lines through a 16 KiB buffer; a longer line ends the connection. */
    private static final int MAX_LINE = 16 * 1024;
    private static final int NEED_MORE = 0;

    private final ClientConnection client;
    private final Nsqd nsqd;
    private final NsqdOptions opts;
    private byte[] pending = new byte[0];
    private boolean magicRead;
    private boolean closing;
    private StreamCodec inboundCodec;
    private StreamCodec upgradeAfterCommand;
    private final AuthServers authServers;
    private boolean waiting; // a TLS handshake or an auth server's answer: read nothing more until it is done
    private CompletableFuture<AuthState> authAnswer; // the auth server's answer for the command being re-run

    ProtocolV2(ClientConnection client, Nsqd nsqd, AuthServers authServers) {
        this.client = client;
        this.nsqd = nsqd;
        this.opts = nsqd.options();
        this.authServers = authServers;
    }

    /** Bytes from the socket, possibly compressed. */
    void onData(Buffer data) {
        if (closing) {
            return;
        }
        client.touchRead();
        byte[] bytes = data.getBytes();
        if (inboundCodec != null) {
            try {
                bytes = inboundCodec.decode(bytes, 0, bytes.length);
            } catch (IOException e) {
                LOG.warnf("[%s] closing: %s", client, e.getMessage());
                closeNow();
                return;
            }
        }
        process(bytes);
    }

    private void process(byte[] bytes) {
        if (waiting) {
            pending = concat(pending, bytes);
            return;
        }
        byte[] buf;
        if (pending.length == 0) {
            buf = bytes;
        } else {
            buf = new byte[pending.length + bytes.length];
            System.arraycopy(pending, 0, buf, 0, pending.length);
            System.arraycopy(bytes, 0, buf, pending.length, bytes.length);
        }
        int pos = 0;
        while (!closing && pos < buf.length) {
            int used = parse(buf, pos);
            if (used == NEED_MORE) {
                break;
            }
            pos += used;
            if (upgradeAfterCommand != null) {
                // everything after IDENTIFY arrives compressed
                inboundCodec = upgradeAfterCommand;
                upgradeAfterCommand = null;
                pending = new byte[0];
                if (pos < buf.length) {
                    try {
                        byte[] rest = inboundCodec.decode(buf, pos, buf.length - pos);
                        process(rest);
                    } catch (IOException e) {
                        LOG.warnf("[%s] closing: %s", client, e.getMessage());
                        closeNow();
                    }
                }
                return;
            }
        }
        if (closing) {
            pending = new byte[0];
            return;
        }
        int left = buf.length - pos;
        if (left == 0) {
            pending = new byte[0];
        } else if (pos > 0 || buf != pending) {
            byte[] rest = new byte[left];
            System.arraycopy(buf, pos, rest, 0, left);
            pending = rest;
        }
    }

    /** Parses and runs one command at {@code pos}; returns the bytes it used, or 0 when more must arrive. */
    private int parse(byte[] buf, int pos) {
        if (!magicRead) {
            if (buf.length - pos < 4) {
                return NEED_MORE;
            }
            for (int i = 0; i < 4; i++) {
                if (buf[pos + i] != MAGIC[i]) {
                    LOG.infof("[%s] bad protocol magic '%s'", client, new String(buf, pos, 4, StandardCharsets.ISO_8859_1));
                    fatal("E_BAD_PROTOCOL");
                    return 4;
                }
            }
            magicRead = true;
            return 4;
        }
        int nl = -1;
        for (int i = pos; i < buf.length; i++) {
            if (buf[i] == '\n') {
                nl = i;
                break;
            }
        }
        if (nl < 0) {
            if (buf.length - pos > MAX_LINE) {
                LOG.infof("[%s] closing: command line longer than %d bytes", client, MAX_LINE);
                closeNow();
            }
            return NEED_MORE;
        }
        int end = nl;
        if (end > pos && buf[end - 1] == '\r') {
            end--;
        }
        if (end - pos == 4 + MessageId.SIZE && buf[pos] == 'F' && buf[pos + 1] == 'I' && buf[pos + 2] == 'N'
                && buf[pos + 3] == ' ' && client.state != ClientConnection.STATE_INIT) {
            // the consumer hot path: FIN <16-byte id>, without building strings
            fin(buf, pos + 4);
            return nl + 1 - pos;
        }
        String[] params = new String(buf, pos, end - pos, StandardCharsets.UTF_8).split(" ", -1);
        int lineLen = nl + 1 - pos;
        int bodyAt = nl + 1;
        try {
            if (!params[0].equals("IDENTIFY")) {
                enforceTlsPolicy(params[0]);
            }
            return switch (params[0]) {
                case "PUB" -> lineLen + pub(params, buf, bodyAt);
                case "MPUB" -> lineLen + mpub(params, buf, bodyAt);
                case "DPUB" -> lineLen + dpub(params, buf, bodyAt);
                case "IDENTIFY" -> lineLen + identify(buf, bodyAt);
                case "AUTH" -> lineLen + auth(params, buf, bodyAt);
                default -> {
                    simple(params);
                    yield lineLen;
                }
            };
        } catch (NeedMore e) {
            return NEED_MORE;
        } catch (Wait e) {
            return NEED_MORE; // run again, from its first byte, once the wait is over
        } catch (ClientError e) {
            LOG.infof("[%s] %s", client, e.getMessage());
            if (e.fatal) {
                fatal(e.getMessage());
            } else {
                client.sendError(e.getMessage());
            }
            return lineLen;
        }
    }

    private void simple(String[] params) throws ClientError, Wait {
        switch (params[0]) {
            case "NOP" -> {
            }
            case "RDY" -> rdy(params);
            case "FIN" -> fin(params);
            case "REQ" -> req(params);
            case "TOUCH" -> touch(params);
            case "SUB" -> sub(params);
            case "CLS" -> cls();
            default -> throw fatalErr("E_INVALID", "invalid command " + params[0]);
        }
    }

    // ---- commands with bodies ----

    private int identify(byte[] buf, int at) throws ClientError, NeedMore {
        if (client.state != ClientConnection.STATE_INIT) {
            throw fatalErr("E_INVALID", "cannot IDENTIFY in current state");
        }
        int len = readLen(buf, at);
        if (len > opts.maxBodySize) {
            throw fatalErr("E_BAD_BODY", "IDENTIFY body too big " + len + " > " + opts.maxBodySize);
        }
        if (len <= 0) {
            throw fatalErr("E_BAD_BODY", "IDENTIFY invalid body size " + len);
        }
        byte[] body = body(buf, at + 4, len);
        IdentifyData id;
        try {
            id = IdentifyData.decode(body);
        } catch (IdentifyData.InvalidIdentify e) {
            throw fatalErr("E_BAD_BODY", "IDENTIFY failed to decode JSON body");
        }
        applyIdentify(id);
        if (!id.featureNegotiation) {
            client.sendResponse(Frame.OK);
            return 4 + len;
        }
        boolean deflate = opts.deflate && id.deflate;
        int deflateLevel = 6;
        if (deflate && id.deflateLevel > 0) {
            deflateLevel = id.deflateLevel;
        }
        deflateLevel = Math.min(deflateLevel, opts.maxDeflateLevel);
        boolean snappy = opts.snappy && id.snappy;
        boolean tlsv1 = opts.tlsEnabled() && id.tlsV1;
        if (deflate && snappy) {
            throw fatalErr("E_IDENTIFY_FAILED", "cannot enable both deflate and snappy compression");
        }
        String response = "{\"max_rdy_count\":" + opts.maxRdyCount
                + ",\"version\":\"" + NsqVersion.NSQ + "\""
                + ",\"max_msg_timeout\":" + opts.maxMsgTimeout.toMillis()
                + ",\"msg_timeout\":" + client.msgTimeoutNanos / 1_000_000
                + ",\"tls_v1\":" + tlsv1
                + ",\"deflate\":" + deflate
                + ",\"deflate_level\":" + deflateLevel
                + ",\"max_deflate_level\":" + opts.maxDeflateLevel
                + ",\"snappy\":" + snappy
                + ",\"sample_rate\":" + client.sampleRate
                + ",\"auth_required\":" + authServers.enabled()
                + ",\"output_buffer_size\":" + client.outputBufferSize
                + ",\"output_buffer_timeout\":" + client.outputBufferTimeoutMillis + "}";
        client.sendResponse(response.getBytes(StandardCharsets.UTF_8));
        int level = deflateLevel;
        if (!tlsv1) {
            upgradeAfterCommand = compress(snappy, deflate, level);
            return 4 + len;
        }
        // nsqd's order: the answer in plain text, the TLS handshake, OK over TLS, then compression and its OK
        LOG.infof("[%s] upgrading connection to TLS", client);
        waitFor(client.upgradeTls(), (v, e) -> {
            if (e != null) {
                LOG.warnf("[%s] closing: TLS handshake failed: %s", client, e.getMessage());
                closeNow();
                return;
            }
            client.sendResponse(Frame.OK);
            StreamCodec input = compress(snappy, deflate, level);
            if (input != null) {
                inboundCodec = input; // the client sends nothing between the handshake and our last OK
            }
        });
        return 4 + len;
    }

    /** Switches our output to the negotiated compression and says OK in it; returns the codec for input, or null. */
    private StreamCodec compress(boolean snappy, boolean deflate, int deflateLevel) {
        StreamCodec codec = null;
        if (snappy) {
            codec = new SnappyFramedCodec();
            client.snappy = true;
        } else if (deflate) {
            codec = new DeflateCodec(deflateLevel);
            client.deflate = true;
        }
        if (codec == null) {
            return null;
        }
        client.compressOutput(codec);
        client.sendResponse(Frame.OK);
        // one object compresses both directions' streams independently: use a second for input
        return snappy ? new SnappyFramedCodec() : new DeflateCodec(deflateLevel);
    }

    /**
     * Reads nothing more from this client until {@code done} completes, then runs {@code then} on the event loop and
     * goes on with what arrived meanwhile (a command that started the wait runs again from its first byte).
     */
    private <T> void waitFor(Future<T> done, BiConsumer<T, Throwable> then) {
        waiting = true;
        client.socket().pause();
        done.onComplete(ar -> {
            waiting = false;
            if (closing) {
                return;
            }
            then.accept(ar.result(), ar.cause());
            if (!closing) {
                client.socket().resume();
                process(new byte[0]);
            }
        });
    }

    private void applyIdentify(IdentifyData id) throws ClientError {
        client.clientId = id.clientId;
        client.hostname = id.hostname;
        client.userAgent = id.userAgent;
        // heartbeat_interval: -1 disables, 0 keeps the default, else 1s..max
        if (id.heartbeatInterval == -1) {
            client.heartbeatIntervalMillis = 0;
        } else if (id.heartbeatInterval != 0) {
            if (id.heartbeatInterval < 1000 || id.heartbeatInterval > opts.maxHeartbeatInterval.toMillis()) {
                throw fatalErr("E_BAD_BODY", "IDENTIFY heartbeat interval (" + id.heartbeatInterval + ") is invalid");
            }
            client.heartbeatIntervalMillis = id.heartbeatInterval;
        }
        if (id.outputBufferTimeout == -1) {
            client.outputBufferTimeoutMillis = 0;
        } else if (id.outputBufferTimeout != 0) {
            if (id.outputBufferTimeout < opts.minOutputBufferTimeout.toMillis()
                    || id.outputBufferTimeout > opts.maxOutputBufferTimeout.toMillis()) {
                throw fatalErr("E_BAD_BODY", "IDENTIFY output buffer timeout (" + id.outputBufferTimeout + ") is invalid");
            }
            client.outputBufferTimeoutMillis = id.outputBufferTimeout;
        }
        if (id.outputBufferSize == -1) {
            client.outputBufferSize = 1;
            client.outputBufferTimeoutMillis = 0;
        } else if (id.outputBufferSize != 0) {
            if (id.outputBufferSize < 64 || id.outputBufferSize > opts.maxOutputBufferSize) {
                throw fatalErr("E_BAD_BODY", "IDENTIFY output buffer size (" + id.outputBufferSize + ") is invalid");
            }
            client.outputBufferSize = id.outputBufferSize;
        }
        if (id.sampleRate < 0 || id.sampleRate > 99) {
            throw fatalErr("E_BAD_BODY", "IDENTIFY sample rate (" + id.sampleRate + ") is invalid");
        }
        client.sampleRate = id.sampleRate;
        if (id.msgTimeout != 0) {
            if (id.msgTimeout < 1000 || id.msgTimeout > opts.maxMsgTimeout.toMillis()) {
                throw fatalErr("E_BAD_BODY", "IDENTIFY msg timeout (" + id.msgTimeout + ") is invalid");
            }
            client.msgTimeoutNanos = id.msgTimeout * 1_000_000L;
        }
        client.startHeartbeat();
    }

    private int auth(String[] params, byte[] buf, int at) throws ClientError, NeedMore, Wait {
        if (client.state != ClientConnection.STATE_INIT) {
            throw fatalErr("E_INVALID", "cannot AUTH in current state");
        }
        if (params.length != 1) {
            throw fatalErr("E_INVALID", "AUTH invalid number of parameters");
        }
        int len = readLen(buf, at);
        if (len > opts.maxBodySize) {
            throw fatalErr("E_BAD_BODY", "AUTH body too big " + len + " > " + opts.maxBodySize);
        }
        if (len <= 0) {
            throw fatalErr("E_BAD_BODY", "AUTH invalid body size " + len);
        }
        byte[] secret = body(buf, at + 4, len);
        if (authAnswer == null && client.authState != null && client.authState.hasAuthorizations()) {
            throw fatalErr("E_INVALID", "AUTH already set");
        }
        if (!authServers.enabled()) {
            throw fatalErr("E_AUTH_DISABLED", "AUTH disabled");
        }
        client.authSecret = new String(secret, StandardCharsets.UTF_8);
        AuthState state = askAuthServers();
        client.authState = state;
        if (!state.hasAuthorizations()) {
            throw fatalErr("E_UNAUTHORIZED", "AUTH no authorizations found");
        }
        ObjectNode answer = JSON.createObjectNode().put("identity", state.identity())
                .put("identity_url", state.identityUrl()).put("permission_count", state.permissionCount());
        client.sendResponse(answer.toString().getBytes(StandardCharsets.UTF_8));
        return 4 + len;
    }

    /**
     * The auth servers' answer for the client's secret. The first call starts the query and waits ({@link Wait});
     * the command runs again when the answer is in and gets it here. A failure is nsqd's {@code E_AUTH_FAILED}, its
     * cause logged but never told to the client.
     */
    private AuthState askAuthServers() throws ClientError, Wait {
        if (authAnswer == null) {
            CompletableFuture<AuthState> asked = authServers.query(remoteIp(), client.tls, client.tlsCommonName(),
                    client.authSecret);
            authAnswer = asked;
            Promise<Void> answered = Promise.promise();
            asked.whenComplete((s, e) -> client.context().runOnContext(v -> answered.complete()));
            waitFor(answered.future(), (v, e) -> { });
            throw Wait.INSTANCE;
        }
        CompletableFuture<AuthState> answer = authAnswer;
        authAnswer = null;
        try {
            return answer.join();
        } catch (CompletionException e) {
            LOG.warnf("[%s] AUTH failed %s", client, e.getCause() == null ? e.getMessage() : e.getCause().getMessage());
            throw fatalErr("E_AUTH_FAILED", "AUTH failed");
        }
    }

    /** nsqd's CheckAuth: with auth servers, a command on a topic/channel needs a grant for it (re-asked when expired). */
    private void checkAuth(String command, String topic, String channel) throws ClientError, Wait {
        if (!authServers.enabled()) {
            return;
        }
        AuthState state = client.authState;
        if (state == null || !state.hasAuthorizations()) {
            throw fatalErr("E_AUTH_FIRST", "AUTH required before " + command);
        }
        if (state.isExpired(System.nanoTime()) || authAnswer != null) {
            state = askAuthServers();
            client.authState = state;
        }
        if (!state.isAllowed(topic, channel)) {
            throw fatalErr("E_UNAUTHORIZED", "AUTH failed for " + command + " on " + quote(topic) + " " + quote(channel));
        }
    }

    /** nsqd's enforceTLSPolicy: with --tls-required, nothing but IDENTIFY before the connection is TLS. */
    private void enforceTlsPolicy(String command) throws ClientError {
        if (opts.tlsRequiredLevel() != NsqdOptions.TLS_NOT_REQUIRED && !client.tls) {
            throw fatalErr("E_INVALID", "cannot " + command + " in current state (TLS required)");
        }
    }

    private String remoteIp() {
        return client.socket().remoteAddress() == null ? "" : client.socket().remoteAddress().hostAddress();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        if (a.length == 0) {
            return b;
        }
        byte[] c = new byte[a.length + b.length];
        System.arraycopy(a, 0, c, 0, a.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    /** The command waits for something (a TLS handshake, an auth server) and runs again after. */
    private static final class Wait extends Exception {
        static final Wait INSTANCE = new Wait();

        private Wait() {
            super(null, null, false, false);
        }
    }

    private int pub(String[] params, byte[] buf, int at) throws ClientError, NeedMore, Wait {
        if (params.length < 2) {
            throw fatalErr("E_INVALID", "PUB insufficient number of parameters");
        }
        String topicName = params[1];
        if (!Names.isValidTopicName(topicName)) {
            throw fatalErr("E_BAD_TOPIC", "PUB topic name " + quote(topicName) + " is not valid");
        }
        int len = readLen(buf, at);
        checkMessageSize("PUB", len);
        byte[] body = body(buf, at + 4, len);
        checkAuth("PUB", topicName, "");
        publish(topicName, List.of(nsqd.newMessage(body)), "E_PUB_FAILED", "PUB failed ");
        return 4 + len;
    }

    private int dpub(String[] params, byte[] buf, int at) throws ClientError, NeedMore, Wait {
        if (params.length < 3) {
            throw fatalErr("E_INVALID", "DPUB insufficient number of parameters");
        }
        String topicName = params[1];
        if (!Names.isValidTopicName(topicName)) {
            throw fatalErr("E_BAD_TOPIC", "DPUB topic name " + quote(topicName) + " is not valid");
        }
        long timeoutMs = base10(params[2], "DPUB could not parse timeout " + params[2]);
        long maxMs = opts.maxReqTimeout.toMillis();
        if (timeoutMs < 0 || timeoutMs > maxMs) {
            throw fatalErr("E_INVALID", "DPUB timeout " + timeoutMs + " out of range 0-" + maxMs);
        }
        int len = readLen(buf, at);
        checkMessageSize("DPUB", len);
        byte[] body = body(buf, at + 4, len);
        checkAuth("DPUB", topicName, "");
        Message m = nsqd.newMessage(body);
        if (timeoutMs > 0) {
            m.deferredUntil = System.nanoTime() + timeoutMs * 1_000_000L;
        }
        publish(topicName, List.of(m), "E_DPUB_FAILED", "DPUB failed ");
        return 4 + len;
    }

    private int mpub(String[] params, byte[] buf, int at) throws ClientError, NeedMore, Wait {
        if (params.length < 2) {
            throw fatalErr("E_INVALID", "MPUB insufficient number of parameters");
        }
        String topicName = params[1];
        if (!Names.isValidTopicName(topicName)) {
            throw fatalErr("E_BAD_TOPIC", "E_BAD_TOPIC MPUB topic name " + quote(topicName) + " is not valid");
        }
        checkAuth("MPUB", topicName, "");
        int len = readLen(buf, at);
        if (len <= 0) {
            throw fatalErr("E_BAD_BODY", "MPUB invalid body size " + len);
        }
        if (len > opts.maxBodySize) {
            throw fatalErr("E_BAD_BODY", "MPUB body too big " + len + " > " + opts.maxBodySize);
        }
        if (buf.length - (at + 4) < len) {
            throw NeedMore.INSTANCE;
        }
        int p = at + 4;
        int end = p + len;
        if (end - p < 4) {
            throw fatalErr("E_BAD_BODY", "MPUB failed to read message count");
        }
        int count = int32(buf, p);
        p += 4;
        long maxMessages = (opts.maxBodySize - 4) / 5;
        if (count <= 0 || count > maxMessages) {
            throw fatalErr("E_BAD_BODY", "MPUB invalid message count " + count);
        }
        List<Message> messages = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            if (end - p < 4) {
                throw fatalErr("E_BAD_MESSAGE", "MPUB failed to read message(" + i + ") body size");
            }
            int size = int32(buf, p);
            p += 4;
            if (size <= 0) {
                throw fatalErr("E_BAD_MESSAGE", "MPUB invalid message(" + i + ") body size " + size);
            }
            if (size > opts.maxMsgSize) {
                throw fatalErr("E_BAD_MESSAGE", "MPUB message too big " + size + " > " + opts.maxMsgSize);
            }
            if (end - p < size) {
                throw fatalErr("E_BAD_MESSAGE", "MPUB failed to read message body");
            }
            byte[] body = new byte[size];
            System.arraycopy(buf, p, body, 0, size);
            p += size;
            messages.add(nsqd.newMessage(body));
        }
        publish(topicName, messages, "E_MPUB_FAILED", "MPUB failed ");
        return 4 + len;
    }

    private void publish(String topicName, List<Message> messages, String code, String prefix) throws ClientError {
        try {
            nsqd.getTopic(topicName).putAll(messages);
        } catch (PublishRefusedException e) {
            throw fatalErr(code, prefix + e.getMessage());
        }
        client.published(topicName, messages.size());
        client.sendResponse(Frame.OK);
        if (client.writeQueueFull()) {
            // a publisher that doesn't read its OKs is slowed down, not buffered without bound
            client.socket().pause();
            client.socket().drainHandler(v -> client.socket().resume());
        }
    }

    // ---- commands without bodies ----

    private void sub(String[] params) throws ClientError, Wait {
        if (client.state != ClientConnection.STATE_INIT) {
            throw fatalErr("E_INVALID", "cannot SUB in current state");
        }
        if (client.heartbeatIntervalMillis <= 0) {
            throw fatalErr("E_INVALID", "cannot SUB with heartbeats disabled");
        }
        if (params.length < 3) {
            throw fatalErr("E_INVALID", "SUB insufficient number of parameters");
        }
        String topicName = params[1];
        if (!Names.isValidTopicName(topicName)) {
            throw fatalErr("E_BAD_TOPIC", "SUB topic name " + quote(topicName) + " is not valid");
        }
        String channelName = params[2];
        if (!Names.isValidChannelName(channelName)) {
            throw fatalErr("E_BAD_CHANNEL", "SUB channel name " + quote(channelName) + " is not valid");
        }
        checkAuth("SUB", topicName, channelName);
        if (opts.maxChannelConsumers > 0) {
            Topic t = nsqd.existingTopic(topicName);
            Channel c = t == null ? null : t.existingChannel(channelName);
            if (c != null && c.clients().size() >= opts.maxChannelConsumers) {
                throw fatalErr("E_SUB_FAILED", "SUB failed consumers for " + topicName + ":" + channelName
                        + " exceeds limit of " + opts.maxChannelConsumers);
            }
        }
        // an ephemeral channel may be going away just as we join it: try once more with a fresh one
        for (int attempt = 0; ; attempt++) {
            Channel channel = nsqd.getTopic(topicName).getChannel(channelName);
            channel.addClient(client);
            if (!channel.isDeleted()) {
                client.channel = channel;
                break;
            }
            channel.removeClient(client);
            if (attempt >= 1) {
                throw fatalErr("E_SUB_FAILED", "SUB failed to deleted topic/channel");
            }
        }
        client.state = ClientConnection.STATE_SUBSCRIBED;
        client.sendResponse(Frame.OK);
    }

    private void rdy(String[] params) throws ClientError {
        if (client.state == ClientConnection.STATE_CLOSING) {
            return; // nsqd ignores RDY after CLS
        }
        if (client.state != ClientConnection.STATE_SUBSCRIBED) {
            throw fatalErr("E_INVALID", "cannot RDY in current state");
        }
        long count = 1;
        if (params.length > 1) {
            count = base10(params[1], "RDY could not parse count " + params[1]);
        }
        if (count < 0 || count > opts.maxRdyCount) {
            throw fatalErr("E_INVALID", "RDY count " + count + " out of range 0-" + opts.maxRdyCount);
        }
        client.channel.setReady(client, count);
        client.readyChanged();
    }

    private void fin(String[] params) throws ClientError {
        requireSubscribedOrClosing("FIN");
        if (params.length < 2) {
            throw fatalErr("E_INVALID", "FIN insufficient number of params");
        }
        long id = messageId(params[1]);
        String failure = client.channel.finish(client, id);
        if (failure != null) {
            throw err("E_FIN_FAILED", "FIN " + params[1] + " failed " + failure);
        }
    }

    private void fin(byte[] buf, int idAt) {
        long id = Message.parseId(java.util.Arrays.copyOfRange(buf, idAt, idAt + MessageId.SIZE));
        String failure = client.channel.finish(client, id);
        if (failure != null) {
            String text = "E_FIN_FAILED FIN " + new String(buf, idAt, MessageId.SIZE, StandardCharsets.ISO_8859_1)
                    + " failed " + failure;
            LOG.infof("[%s] %s", client, text);
            client.sendError(text);
        }
    }

    private void req(String[] params) throws ClientError {
        requireSubscribedOrClosing("REQ");
        if (params.length < 3) {
            throw fatalErr("E_INVALID", "REQ insufficient number of params");
        }
        long id = messageId(params[1]);
        long timeoutMs = base10(params[2], "REQ could not parse timeout " + params[2]);
        long maxMs = opts.maxReqTimeout.toMillis();
        long clamped = Math.max(0, Math.min(timeoutMs, maxMs));
        String failure;
        try {
            failure = client.channel.requeue(client, id, clamped * 1_000_000L);
        } catch (IOException e) {
            failure = e.getMessage();
        }
        if (failure != null) {
            throw err("E_REQ_FAILED", "REQ " + params[1] + " failed " + failure);
        }
    }

    private void touch(String[] params) throws ClientError {
        requireSubscribedOrClosing("TOUCH");
        if (params.length < 2) {
            throw fatalErr("E_INVALID", "TOUCH insufficient number of params");
        }
        long id = messageId(params[1]);
        String failure = client.channel.touch(client, id);
        if (failure != null) {
            throw err("E_TOUCH_FAILED", "TOUCH " + params[1] + " failed " + failure);
        }
    }

    private void cls() throws ClientError {
        if (client.state != ClientConnection.STATE_SUBSCRIBED) {
            throw fatalErr("E_INVALID", "cannot CLS in current state");
        }
        client.channel.setReady(client, 0);
        client.state = ClientConnection.STATE_CLOSING;
        client.sendResponse(Frame.CLOSE_WAIT);
    }

    // ---- helpers ----

    private void requireSubscribedOrClosing(String command) throws ClientError {
        if (client.state != ClientConnection.STATE_SUBSCRIBED && client.state != ClientConnection.STATE_CLOSING) {
            throw fatalErr("E_INVALID", "cannot " + command + " in current state");
        }
    }

    private long messageId(String param) throws ClientError {
        byte[] raw = param.getBytes(StandardCharsets.ISO_8859_1);
        if (raw.length != MessageId.SIZE) {
            throw fatalErr("E_INVALID", "invalid message ID");
        }
        return Message.parseId(raw);
    }

    private void checkMessageSize(String command, int len) throws ClientError {
        if (len <= 0) {
            throw fatalErr("E_BAD_MESSAGE", command + " invalid message body size " + len);
        }
        if (len > opts.maxMsgSize) {
            throw fatalErr("E_BAD_MESSAGE", command + " message too big " + len + " > " + opts.maxMsgSize);
        }
    }

    private static int readLen(byte[] buf, int at) throws NeedMore {
        if (buf.length - at < 4) {
            throw NeedMore.INSTANCE;
        }
        return int32(buf, at);
    }

    private static byte[] body(byte[] buf, int at, int len) throws NeedMore {
        if (buf.length - at < len) {
            throw NeedMore.INSTANCE;
        }
        byte[] body = new byte[len];
        System.arraycopy(buf, at, body, 0, len);
        return body;
    }

    private static int int32(byte[] b, int at) {
        return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | (b[at + 3] & 0xff);
    }

    /** NSQ's base-10 parse: digits only (no sign), empty is 0. */
    private static long base10(String s, String error) throws ClientError {
        long v = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9' || v > Long.MAX_VALUE / 10 - 10) {
                throw fatalErr("E_INVALID", error);
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    /** Go's %q for the names in error messages. */
    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                case '\r' -> b.append("\\r");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        b.append(String.format("\\x%02x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    private void fatal(String text) {
        client.sendError(text);
        closeNow();
    }

    private void closeNow() {
        closing = true;
        client.socket().close();
    }

    private static ClientError fatalErr(String code, String description) {
        return new ClientError(code + " " + description, true);
    }

    private static ClientError err(String code, String description) {
        return new ClientError(code + " " + description, false);
    }

    /** An error for the client: {@code E_CODE description}; fatal ones close the connection. */
    static final class ClientError extends Exception {
        final boolean fatal;

        ClientError(String message, boolean fatal) {
            super(message, null, false, false);
            this.fatal = fatal;
        }
    }

    /** The command's body has not fully arrived yet. */
    private static final class NeedMore extends Exception {
        static final NeedMore INSTANCE = new NeedMore();

        private NeedMore() {
            super(null, null, false, false);
        }
    }
}
