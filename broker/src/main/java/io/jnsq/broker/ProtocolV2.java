package io.jnsq.broker;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jnsq.broker.auth.AuthServers;
import io.jnsq.broker.auth.AuthState;
import io.jnsq.cli.NsqVersion;
import io.jnsq.protocol.Command;
import io.jnsq.protocol.CommandDecoder;
import io.jnsq.protocol.Frame;
import io.jnsq.protocol.MessageId;
import io.jnsq.protocol.Names;
import io.jnsq.protocol.compress.DeflateCodec;
import io.jnsq.protocol.compress.SnappyFramedCodec;
import io.jnsq.protocol.compress.StreamCodec;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * NSQ's TCP protocol V2 for one connection: reads the magic, then commands as they arrive (in any fragmentation,
 * through the shared incremental {@link CommandDecoder}), and executes them with nsqd v1.3.0's checks, errors and
 * error fatality. A publish that has to wait for the disk pauses the connection until it is answered, so a
 * publisher's commands are answered in order and a fast publisher is slowed down rather than buffered. So do a TLS
 * handshake (IDENTIFY with {@code tls_v1}) and a question to the auth servers (AUTH, or a grant that expired).
 */
final class ProtocolV2 {

    private static final Logger LOG = Logger.getLogger(ProtocolV2.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** nsqd reads command lines through a 16 KiB buffer; a longer line ends the connection. */
    private static final int MAX_LINE = 16 * 1024;
    // what may wait in the decoder while a publish waits for the disk (or a TLS handshake, the auth servers) before the
    // socket is paused: a publisher streaming MPUBs into a backlog on disk keeps its socket busy, and one that sends
    // far ahead is stopped
    private static final int READ_AHEAD = 1024 * 1024;

    private final ClientConnection client;
    private final Nsqd nsqd;
    private final NsqdOptions opts;
    private final Context context;
    private final CommandDecoder decoder = new CommandDecoder(MAX_LINE);
    private CommandDecoder.Line line; // the command being read (its body may still be on the way)
    private String[] params;
    private boolean magicRead;
    private boolean closing;
    private boolean publishing; // a publish is waiting for the disk: run no more commands until it is answered
    private boolean pullAfter; // RDY/FIN/REQ changed what the client may receive
    private final long[] finIds = new long[256];
    private final String[] finFailures = new String[256];
    private int finCount;
    private StreamCodec inboundCodec;
    private StreamCodec upgradeAfterCommand;
    private final AuthServers authServers;
    private boolean waiting; // a TLS handshake or the auth servers: run no more commands until it is done

    ProtocolV2(ClientConnection client, Nsqd nsqd, Context context, AuthServers authServers) {
        this.client = client;
        this.nsqd = nsqd;
        this.opts = nsqd.options();
        this.context = context;
        this.authServers = authServers;
    }

    /** Bytes from the socket, possibly compressed. */
    void onData(Buffer data) {
        if (closing) {
            return;
        }
        client.touchRead();
        if (inboundCodec == null) {
            decoder.feed(data.getByteBuf().nioBuffer());
        } else {
            byte[] bytes = data.getBytes();
            try {
                decoder.feed(inboundCodec.decode(bytes, 0, bytes.length));
            } catch (IOException e) {
                LOG.warnf("[%s] closing: %s", client, e.getMessage());
                closeNow();
                return;
            }
        }
        readCommands();
        if ((publishing || waiting) && decoder.available() > READ_AHEAD) {
            client.pauseReading(ClientConnection.READ_PAUSE_BACKLOG);
        }
    }

    /** Goes on with what arrived while a publish or a check was waiting, and reads from the socket again. */
    private void unblocked() {
        client.resumeReading(ClientConnection.READ_PAUSE_BACKLOG);
        readCommands();
    }

    /** Runs every whole command the decoder holds, until one needs more bytes or waits for the disk. */
    private void readCommands() {
        while (!closing && !publishing && !waiting) {
            if (!magicRead) {
                if (!readMagic()) {
                    break;
                }
                continue;
            }
            if (line == null) {
                line = decoder.line();
                if (line == null) {
                    if (decoder.lineTooLong()) {
                        LOG.infof("[%s] closing: command line longer than %d bytes", client, MAX_LINE);
                        closeNow();
                    }
                    break;
                }
                params = null;
            }
            if (!execute()) {
                break; // its body has not fully arrived
            }
            line = null;
            params = null;
            if (upgradeAfterCommand != null && !switchInputCompression()) {
                break;
            }
        }
        finishQueued();
        if (pullAfter && !closing) {
            pullAfter = false;
            client.pull();
        }
    }

    private void queueFin(CommandDecoder.Line line) {
        byte[] raw = line.bytes(4, MessageId.SIZE);
        long id = Message.parseId(raw);
        if (id < 0 || !isLowerHex(raw)) {
            finishQueued();
            fin(line.bytes(4, MessageId.SIZE)); // not one of ours: answered with nsqd's error in order
            return;
        }
        if (finCount == finIds.length) {
            finishQueued();
        }
        finIds[finCount++] = id;
    }

    /** Ids as we write them: a failed FIN's error then quotes exactly what the client sent. */
    private static boolean isLowerHex(byte[] raw) {
        for (byte b : raw) {
            if (b >= 'A' && b <= 'F') {
                return false;
            }
        }
        return true;
    }

    /** Runs the FINs read since the last command of another kind; failures are answered in their order. */
    private void finishQueued() {
        if (finCount == 0) {
            return;
        }
        int n = finCount;
        finCount = 0;
        int done = client.channel.finishAll(client, finIds, n, finFailures);
        for (int i = 0; i < done; i++) {
            client.finished();
        }
        if (done < n) {
            for (int i = 0; i < n; i++) {
                if (finFailures[i] != null) {
                    String text = "E_FIN_FAILED FIN " + MessageId.toString(MessageId.of(finIds[i])) + " failed "
                            + finFailures[i];
                    LOG.infof("[%s] %s", client, text);
                    client.sendError(text);
                }
            }
        }
        pullAfter = true;
    }

    private boolean readMagic() {
        byte[] magic = decoder.magic();
        if (magic == null) {
            return false;
        }
        if (!java.util.Arrays.equals(magic, Command.MAGIC_V2)) {
            LOG.infof("[%s] bad protocol magic '%s'", client, new String(magic, StandardCharsets.ISO_8859_1));
            fatal("E_BAD_PROTOCOL");
            return false;
        }
        magicRead = true;
        return true;
    }

    /** Everything after an IDENTIFY that negotiated compression arrives compressed. */
    private boolean switchInputCompression() {
        inboundCodec = upgradeAfterCommand;
        upgradeAfterCommand = null;
        byte[] rest = decoder.takeRest();
        if (rest != null && rest.length > 0) {
            try {
                decoder.feed(inboundCodec.decode(rest, 0, rest.length));
            } catch (IOException e) {
                LOG.warnf("[%s] closing: %s", client, e.getMessage());
                closeNow();
                return false;
            }
        }
        return true;
    }

    /** Runs the current command; returns false when its body has not fully arrived yet. */
    private boolean execute() {
        if (line.length() == 4 + MessageId.SIZE && line.startsWithWord("FIN")
                && client.state != ClientConnection.STATE_INIT) {
            queueFin(line); // the consumer hot path: no strings, one channel lock per run of FINs
            return true;
        }
        finishQueued(); // what came before this command is done before it
        if (params == null) {
            params = line.params();
        }
        try {
            if (!params[0].equals("IDENTIFY")) {
                enforceTlsPolicy(params[0]);
            }
            switch (params[0]) {
                case "PUB" -> {
                    return pub(params);
                }
                case "MPUB" -> {
                    return mpub(params);
                }
                case "DPUB" -> {
                    return dpub(params);
                }
                case "IDENTIFY" -> {
                    return identify();
                }
                case "AUTH" -> {
                    return auth(params);
                }
                case "SUB" -> {
                    return sub(params);
                }
                default -> simple(params);
            }
        } catch (ClientError e) {
            LOG.infof("[%s] %s", client, e.getMessage());
            if (e.fatal) {
                fatal(e.getMessage());
            } else {
                client.sendError(e.getMessage());
            }
        }
        return true;
    }

    private void simple(String[] params) throws ClientError {
        switch (params[0]) {
            case "NOP" -> {
            }
            case "RDY" -> rdy(params);
            case "FIN" -> fin(params);
            case "REQ" -> req(params);
            case "TOUCH" -> touch(params);
            case "CLS" -> cls();
            default -> throw fatalErr("E_INVALID", "invalid command " + params[0]);
        }
    }

    // ---- commands with bodies ----

    private boolean identify() throws ClientError {
        if (client.state != ClientConnection.STATE_INIT) {
            throw fatalErr("E_INVALID", "cannot IDENTIFY in current state");
        }
        int len = decoder.bodySize();
        if (len == CommandDecoder.NEED_MORE) {
            return false;
        }
        if (len > opts.maxBodySize) {
            throw fatalErr("E_BAD_BODY", "IDENTIFY body too big " + len + " > " + opts.maxBodySize);
        }
        if (len <= 0) {
            throw fatalErr("E_BAD_BODY", "IDENTIFY invalid body size " + len);
        }
        byte[] body = decoder.body(len);
        if (body == null) {
            return false;
        }
        IdentifyData id;
        try {
            id = IdentifyData.decode(body);
        } catch (IdentifyData.InvalidIdentify e) {
            throw fatalErr("E_BAD_BODY", "IDENTIFY failed to decode JSON body");
        }
        applyIdentify(id);
        if (!id.featureNegotiation) {
            client.sendResponse(Frame.OK);
            return true;
        }
        boolean deflate = opts.deflate && id.deflate;
        int deflateLevel = 6;
        if (deflate && id.deflateLevel > 0) {
            deflateLevel = (int) Math.min(id.deflateLevel, opts.maxDeflateLevel);
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
            return true;
        }
        // nsqd's order: the answer in plain text, the TLS handshake, OK over TLS, then compression and its OK
        LOG.infof("[%s] upgrading connection to TLS", client);
        waiting = true; // what arrives after the handshake waits in the decoder
        client.upgradeTls().onComplete(done -> {
            waiting = false;
            if (closing) {
                return;
            }
            if (done.failed()) {
                LOG.warnf("[%s] closing: TLS handshake failed: %s", client, done.cause().getMessage());
                closeNow();
                return;
            }
            client.sendResponse(Frame.OK);
            upgradeAfterCommand = compress(snappy, deflate, level);
            if (upgradeAfterCommand != null && !switchInputCompression()) {
                return;
            }
            unblocked();
        });
        return true;
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
            client.outputBufferSize = (int) id.outputBufferSize; // at most --max-output-buffer-size
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

    private boolean auth(String[] params) throws ClientError {
        if (client.state != ClientConnection.STATE_INIT) {
            throw fatalErr("E_INVALID", "cannot AUTH in current state");
        }
        if (params.length != 1) {
            throw fatalErr("E_INVALID", "AUTH invalid number of parameters");
        }
        int len = decoder.bodySize();
        if (len == CommandDecoder.NEED_MORE) {
            return false;
        }
        if (len > opts.maxBodySize) {
            throw fatalErr("E_BAD_BODY", "AUTH body too big " + len + " > " + opts.maxBodySize);
        }
        if (len <= 0) {
            throw fatalErr("E_BAD_BODY", "AUTH invalid body size " + len);
        }
        byte[] secret = decoder.body(len);
        if (secret == null) {
            return false;
        }
        if (client.authState != null && client.authState.hasAuthorizations()) {
            throw fatalErr("E_INVALID", "AUTH already set");
        }
        if (!authServers.enabled()) {
            throw fatalErr("E_AUTH_DISABLED", "AUTH disabled");
        }
        client.authSecret = new String(secret, StandardCharsets.UTF_8);
        askAuthServers(state -> {
            client.authState = state;
            if (!state.hasAuthorizations()) {
                fatal("E_UNAUTHORIZED AUTH no authorizations found");
                return;
            }
            ObjectNode answer = JSON.createObjectNode().put("identity", state.identity())
                    .put("identity_url", state.identityUrl()).put("permission_count", state.permissionCount());
            client.sendResponse(answer.toString().getBytes(StandardCharsets.UTF_8));
        });
        return true;
    }

    /**
     * Asks the auth servers about the client's secret, off the event loop; reads nothing more from the client until
     * the answer is in, then gives it to {@code then} on the event loop. A failure is nsqd's {@code E_AUTH_FAILED},
     * its cause logged but never told to the client.
     */
    private void askAuthServers(Consumer<AuthState> then) {
        waiting = true;
        String remoteIp = client.socket().remoteAddress() == null ? "" : client.socket().remoteAddress().hostAddress();
        authServers.query(remoteIp, client.tls, client.tlsCommonName(), client.authSecret)
                .whenComplete((state, e) -> context.runOnContext(v -> {
                    waiting = false;
                    if (closing) {
                        return;
                    }
                    if (e != null) {
                        LOG.warnf("[%s] AUTH failed %s", client, e.getCause() == null ? e.getMessage() : e.getCause().getMessage());
                        fatal("E_AUTH_FAILED AUTH failed");
                        return;
                    }
                    then.accept(state);
                    if (!closing) {
                        unblocked();
                    }
                }));
    }

    /**
     * Whether the client's grant can be checked now. When it has expired it is asked for again (the command runs
     * again once the answer is in) and this is false; nsqd re-queries in the same place.
     */
    private boolean authFresh() {
        AuthState state = client.authState;
        if (!authServers.enabled() || state == null || !state.hasAuthorizations() || !state.isExpired(System.nanoTime())) {
            return true;
        }
        askAuthServers(fresh -> client.authState = fresh);
        return false;
    }

    /** nsqd's CheckAuth: with auth servers, a command on a topic/channel needs a grant for it. */
    private void checkAuth(String command, String topic, String channel) throws ClientError {
        if (!authServers.enabled()) {
            return;
        }
        AuthState state = client.authState;
        if (state == null || !state.hasAuthorizations()) {
            throw fatalErr("E_AUTH_FIRST", "AUTH required before " + command);
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

    private boolean pub(String[] params) throws ClientError {
        if (params.length < 2) {
            throw fatalErr("E_INVALID", "PUB insufficient number of parameters");
        }
        String topicName = params[1];
        if (!Names.isValidTopicName(topicName)) {
            throw fatalErr("E_BAD_TOPIC", "PUB topic name " + quote(topicName) + " is not valid");
        }
        if (!authFresh()) {
            return false;
        }
        byte[] body = messageBody("PUB");
        if (body == null) {
            return false;
        }
        checkAuth("PUB", topicName, "");
        publish(topicName, List.of(nsqd.newMessage(body)), "E_PUB_FAILED", "PUB failed ");
        return true;
    }

    private boolean dpub(String[] params) throws ClientError {
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
        if (!authFresh()) {
            return false;
        }
        byte[] body = messageBody("DPUB");
        if (body == null) {
            return false;
        }
        checkAuth("DPUB", topicName, "");
        Message m = nsqd.newMessage(body);
        if (timeoutMs > 0) {
            m.deferredUntil = System.nanoTime() + timeoutMs * 1_000_000L;
        }
        publish(topicName, List.of(m), "E_DPUB_FAILED", "DPUB failed ");
        return true;
    }

    private boolean mpub(String[] params) throws ClientError {
        if (params.length < 2) {
            throw fatalErr("E_INVALID", "MPUB insufficient number of parameters");
        }
        String topicName = params[1];
        if (!Names.isValidTopicName(topicName)) {
            throw fatalErr("E_BAD_TOPIC", "E_BAD_TOPIC MPUB topic name " + quote(topicName) + " is not valid");
        }
        if (!authFresh()) {
            return false;
        }
        checkAuth("MPUB", topicName, "");
        int len = decoder.bodySize();
        if (len == CommandDecoder.NEED_MORE) {
            return false;
        }
        if (len <= 0) {
            throw fatalErr("E_BAD_BODY", "MPUB invalid body size " + len);
        }
        if (len > opts.maxBodySize) {
            throw fatalErr("E_BAD_BODY", "MPUB body too big " + len + " > " + opts.maxBodySize);
        }
        int p = decoder.bodyAt(len); // read in place: each message body is copied once, out of the socket buffer
        if (p < 0) {
            return false;
        }
        byte[] buf = decoder.buffer();
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
        Nsqd.MessageBatch batch = nsqd.newMessages(count);
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
            messages.add(batch.next(body));
        }
        publish(topicName, messages, "E_MPUB_FAILED", "MPUB failed ");
        return true;
    }

    private void publish(String topicName, List<Message> messages, String code, String prefix) throws ClientError {
        Topic topic;
        try {
            topic = nsqd.getTopic(topicName);
        } catch (MemoryBound.Refused e) {
            throw fatalErr(code, prefix + "topic limit reached: " + e.getMessage());
        }
        CompletableFuture<Void> stored = topic.publish(messages);
        if (stored.isDone()) {
            answerPublish(stored, topicName, messages.size(), code, prefix);
            return;
        }
        // on disk soon: run nothing more from this client until it is answered (back-pressure, answers in order)
        publishing = true;
        stored.whenComplete((v, e) -> context.runOnContext(x -> {
            publishing = false;
            answerPublish(stored, topicName, messages.size(), code, prefix);
            if (!closing) {
                unblocked();
            }
        }));
    }

    private void answerPublish(CompletableFuture<Void> stored, String topicName, int count, String code,
            String prefix) {
        try {
            stored.join();
        } catch (java.util.concurrent.CompletionException | java.util.concurrent.CancellationException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            String text = code + " " + prefix + cause.getMessage();
            LOG.infof("[%s] %s", client, text);
            fatal(text);
            return;
        }
        client.published(topicName, count);
        client.sendResponse(Frame.OK);
        if (client.socket().writeQueueFull()) {
            client.awaitDrain(true); // a publisher that doesn't read its OKs is slowed down, not buffered
        }
    }

    // ---- commands without bodies ----

    private boolean sub(String[] params) throws ClientError {
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
        if (!authFresh()) {
            return false;
        }
        checkAuth("SUB", topicName, channelName);
        if (opts.maxChannelConsumers > 0) {
            Topic t = nsqd.existingTopic(topicName);
            Channel c = t == null ? null : t.existingChannel(channelName);
            if (c != null && c.consumerCount() >= opts.maxChannelConsumers) {
                throw fatalErr("E_SUB_FAILED", "SUB failed consumers for " + topicName + ":" + channelName
                        + " exceeds limit of " + opts.maxChannelConsumers);
            }
        }
        // an ephemeral channel may be going away just as we join it: try once more with a fresh one
        for (int attempt = 0; ; attempt++) {
            Channel channel;
            try {
                channel = nsqd.getTopic(topicName).getChannel(channelName);
            } catch (MemoryBound.Refused e) {
                throw fatalErr("E_SUB_FAILED", "SUB failed topic/channel limit reached: " + e.getMessage());
            }
            channel.addConsumer(client);
            if (!channel.isDeleted()) {
                client.channel = channel;
                break;
            }
            channel.removeConsumer(client);
            if (attempt >= 1) {
                throw fatalErr("E_SUB_FAILED", "SUB failed to deleted topic/channel");
            }
        }
        client.state = ClientConnection.STATE_SUBSCRIBED;
        client.sendResponse(Frame.OK);
        pullAfter = true;
        return true;
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
        client.readyCount = count;
        client.readyChanged();
        pullAfter = true;
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
        client.finished();
        pullAfter = true;
    }

    private void fin(byte[] rawId) {
        String failure = client.channel.finish(client, Message.parseId(rawId));
        if (failure != null) {
            String text = "E_FIN_FAILED FIN " + new String(rawId, StandardCharsets.ISO_8859_1) + " failed " + failure;
            LOG.infof("[%s] %s", client, text);
            client.sendError(text);
            return;
        }
        client.finished();
        pullAfter = true;
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
        String failure = client.channel.requeue(client, id, clamped * 1_000_000L);
        if (failure != null) {
            throw err("E_REQ_FAILED", "REQ " + params[1] + " failed " + failure);
        }
        client.requeued();
        pullAfter = true;
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
        client.readyCount = 0;
        client.readyChanged();
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

    /** The size-checked body of a PUB or DPUB, or null until it has arrived. */
    private byte[] messageBody(String command) throws ClientError {
        int len = decoder.bodySize();
        if (len == CommandDecoder.NEED_MORE) {
            return null;
        }
        if (len <= 0) {
            throw fatalErr("E_BAD_MESSAGE", command + " invalid message body size " + len);
        }
        if (len > opts.maxMsgSize) {
            throw fatalErr("E_BAD_MESSAGE", command + " message too big " + len + " > " + opts.maxMsgSize);
        }
        return decoder.body(len);
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
}
