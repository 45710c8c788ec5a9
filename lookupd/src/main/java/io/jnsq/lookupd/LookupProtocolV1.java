package io.jnsq.lookupd;

import io.jnsq.cli.ListenAddress;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jnsq.cli.NsqVersion;
import io.jnsq.lookupd.RegistrationDB.Registration;
import io.jnsq.protocol.Command;
import io.jnsq.protocol.CommandDecoder;
import io.jnsq.protocol.Names;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.jboss.logging.Logger;

/**
 * nsqlookupd's TCP protocol V1 for one nsqd connection: magic {@code "  V1"}, then IDENTIFY (size-prefixed JSON),
 * REGISTER / UNREGISTER {@code topic [channel]} and PING, each answered {@code [size][data]}. Errors are answered the
 * same way ({@code E_INVALID ...}); the fatal ones close the connection. When the connection ends, everything the
 * peer registered goes with it.
 */
final class LookupProtocolV1 {

    private static final Logger LOG = Logger.getLogger(LookupProtocolV1.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_BODY = 1024 * 1024;

    private final NetSocket socket;
    private final RegistrationDB db;
    private final LookupdOptions opts;
    private final int tcpPort;
    private final int httpPort;
    private final String remote;
    private final CommandDecoder decoder = new CommandDecoder(MAX_BODY);
    private String[] params; // the command being read (IDENTIFY's body may still be on the way)
    private boolean magicRead;
    private boolean closing;
    private PeerInfo peer;

    LookupProtocolV1(NetSocket socket, RegistrationDB db, LookupdOptions opts, int tcpPort, int httpPort) {
        this.socket = socket;
        this.db = db;
        this.opts = opts;
        this.tcpPort = tcpPort;
        this.httpPort = httpPort;
        this.remote = socket.remoteAddress().host() + ":" + socket.remoteAddress().port();
    }

    void onData(Buffer data) {
        if (closing) {
            return;
        }
        decoder.feed(data.getByteBuf().nioBuffer());
        while (!closing && readCommand()) {
            // one command per pass
        }
        if (!closing && decoder.available() > MAX_BODY + 1024) {
            LOG.infof("CLIENT(%s): closing: more than %d bytes without a complete command", remote, MAX_BODY);
            close();
        }
    }

    /** The connection ended: the peer's registrations go, as in nsqlookupd. */
    void closed() {
        if (peer != null) {
            for (Registration r : db.registrationsOf(peer.id)) {
                if (db.removeProducer(r, peer.id) >= 0) {
                    LOG.infof("DB: client(%s) UNREGISTER category:%s key:%s subkey:%s", remote, r.category(), r.key(), r.subKey());
                }
            }
        }
    }

    /** Reads and runs one command; false when more bytes must arrive. */
    private boolean readCommand() {
        if (!magicRead) {
            byte[] magic = decoder.magic();
            if (magic == null) {
                return false;
            }
            if (!Arrays.equals(magic, Command.MAGIC_V1)) {
                LOG.errorf("client(%s) bad protocol magic '%s'", remote, new String(magic, StandardCharsets.ISO_8859_1));
                respond("E_BAD_PROTOCOL");
                close();
                return false;
            }
            magicRead = true;
            return true;
        }
        if (params == null) {
            CommandDecoder.Line line = decoder.line();
            if (line == null) {
                return false;
            }
            params = line.toString().trim().split(" ", -1);
        }
        try {
            switch (params[0]) {
                case "PING" -> ping();
                case "IDENTIFY" -> {
                    if (!identify()) {
                        return false; // its body is still on the way
                    }
                }
                case "REGISTER" -> register(params);
                case "UNREGISTER" -> unregister(params);
                default -> throw new LookupError("E_INVALID invalid command " + params[0]);
            }
        } catch (LookupError e) {
            LOG.errorf("client(%s) - %s", remote, e.getMessage());
            respond(e.getMessage());
            close(); // every V1 error is fatal in nsqlookupd
        }
        params = null;
        return true;
    }

    private void ping() {
        if (peer != null) {
            peer.lastUpdateNanos = System.currentTimeMillis() * 1_000_000L;
        }
        respond("OK");
    }

    /** Returns the body bytes used, or -1 when the body has not fully arrived. */
    /** Returns false when the body has not fully arrived. */
    private boolean identify() throws LookupError {
        if (peer != null) {
            throw new LookupError("E_INVALID cannot IDENTIFY again");
        }
        int len = decoder.bodySize();
        if (len == CommandDecoder.NEED_MORE) {
            return false;
        }
        if (len < 0 || len > MAX_BODY) {
            throw new LookupError("E_BAD_BODY IDENTIFY failed to read body");
        }
        byte[] body = decoder.body(len);
        if (body == null) {
            return false;
        }
        JsonNode info;
        try {
            info = JSON.readTree(body);
            if (info == null || !info.isObject()) {
                throw new IOException("not an object");
            }
        } catch (IOException e) {
            throw new LookupError("E_BAD_BODY IDENTIFY failed to decode JSON body");
        }
        String broadcast = info.path("broadcast_address").asText("");
        int tcp = info.path("tcp_port").asInt(0);
        int http = info.path("http_port").asInt(0);
        String version = info.path("version").asText("");
        if (broadcast.isEmpty() || tcp == 0 || http == 0 || version.isEmpty()) {
            throw new LookupError("E_BAD_BODY IDENTIFY missing fields");
        }
        peer = new PeerInfo(remote, info.path("hostname").asText(""), broadcast, tcp, http, version);
        LOG.infof("CLIENT(%s): IDENTIFY Address:%s TCP:%d HTTP:%d Version:%s", remote, broadcast, tcp, http, version);
        db.addProducer(new Registration("client", "", ""), peer);
        // nsqlookupd answers with a Go map: keys in alphabetical order
        String response = "{\"broadcast_address\":\"" + opts.broadcastAddress + "\",\"hostname\":\""
                + ListenAddress.hostname() + "\",\"http_port\":" + httpPort + ",\"tcp_port\":" + tcpPort
                + ",\"version\":\"" + NsqVersion.NSQ + "\"}";
        respond(response);
        return true;
    }

    private void register(String[] params) throws LookupError {
        requireIdentified();
        String[] tc = topicChannel("REGISTER", params);
        if (!tc[1].isEmpty()) {
            if (db.addProducer(new Registration("channel", tc[0], tc[1]), peer)) {
                LOG.infof("DB: client(%s) REGISTER category:channel key:%s subkey:%s", remote, tc[0], tc[1]);
            }
        }
        if (db.addProducer(new Registration("topic", tc[0], ""), peer)) {
            LOG.infof("DB: client(%s) REGISTER category:topic key:%s subkey:", remote, tc[0]);
        }
        respond("OK");
    }

    private void unregister(String[] params) throws LookupError {
        requireIdentified();
        String[] tc = topicChannel("UNREGISTER", params);
        String topic = tc[0];
        String channel = tc[1];
        if (!channel.isEmpty()) {
            Registration key = new Registration("channel", topic, channel);
            int left = db.removeProducer(key, peer.id);
            if (left == 0 && Names.isEphemeral(channel)) {
                db.removeRegistration(key);
            }
        } else {
            for (Registration r : db.find("channel", topic, "*")) {
                db.removeProducer(r, peer.id);
            }
            Registration key = new Registration("topic", topic, "");
            int left = db.removeProducer(key, peer.id);
            if (left == 0 && Names.isEphemeral(topic)) {
                db.removeRegistration(key);
            }
        }
        respond("OK");
    }

    private void requireIdentified() throws LookupError {
        if (peer == null) {
            throw new LookupError("E_INVALID client must IDENTIFY");
        }
    }

    private static String[] topicChannel(String command, String[] params) throws LookupError {
        if (params.length < 2 || params[1].isEmpty()) {
            throw new LookupError("E_INVALID " + command + " insufficient number of params");
        }
        String topic = params[1];
        String channel = params.length >= 3 ? params[2] : "";
        if (!Names.isValidTopicName(topic)) {
            throw new LookupError("E_BAD_TOPIC " + command + " topic name '" + topic + "' is not valid");
        }
        if (!channel.isEmpty() && !Names.isValidChannelName(channel)) {
            throw new LookupError("E_BAD_CHANNEL " + command + " channel name '" + channel + "' is not valid");
        }
        return new String[] {topic, channel};
    }

    private void respond(String text) {
        byte[] data = text.getBytes(StandardCharsets.UTF_8);
        socket.write(Buffer.buffer(ByteBuffer.allocate(4 + data.length).putInt(data.length).put(data).array()));
    }

    private void close() {
        closing = true;
        socket.close();
    }

    private static final class LookupError extends Exception {
        LookupError(String message) {
            super(message, null, false, false);
        }
    }
}
