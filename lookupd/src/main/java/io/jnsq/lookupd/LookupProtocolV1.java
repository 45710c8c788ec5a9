package io.jnsq.lookupd;

import io.jnsq.cli.ListenAddress;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jnsq.cli.NsqVersion;
import io.jnsq.lookupd.RegistrationDB.Registration;
import io.jnsq.protocol.Names;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
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
    private byte[] pending = new byte[0];
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
        byte[] incoming = data.getBytes();
        byte[] buf = new byte[pending.length + incoming.length];
        System.arraycopy(pending, 0, buf, 0, pending.length);
        System.arraycopy(incoming, 0, buf, pending.length, incoming.length);
        int pos = 0;
        while (!closing && pos < buf.length) {
            int used = parse(buf, pos);
            if (used == 0) {
                break;
            }
            pos += used;
        }
        pending = closing ? new byte[0] : java.util.Arrays.copyOfRange(buf, pos, buf.length);
        if (pending.length > MAX_BODY + 1024) {
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

    private int parse(byte[] buf, int pos) {
        if (!magicRead) {
            if (buf.length - pos < 4) {
                return 0;
            }
            String magic = new String(buf, pos, 4, StandardCharsets.ISO_8859_1);
            if (!magic.equals("  V1")) {
                LOG.errorf("client(%s) bad protocol magic '%s'", remote, magic);
                respond("E_BAD_PROTOCOL");
                close();
                return 4;
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
            return 0;
        }
        String line = new String(buf, pos, nl - pos, StandardCharsets.UTF_8).trim();
        String[] params = line.split(" ", -1);
        int used = nl + 1 - pos;
        try {
            switch (params[0]) {
                case "PING" -> ping();
                case "IDENTIFY" -> {
                    int body = identify(buf, nl + 1);
                    if (body < 0) {
                        return 0;
                    }
                    used += body;
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
        return used;
    }

    private void ping() {
        if (peer != null) {
            peer.lastUpdateNanos = System.currentTimeMillis() * 1_000_000L;
        }
        respond("OK");
    }

    /** Returns the body bytes used, or -1 when the body has not fully arrived. */
    private int identify(byte[] buf, int at) throws LookupError {
        if (peer != null) {
            throw new LookupError("E_INVALID cannot IDENTIFY again");
        }
        if (buf.length - at < 4) {
            return -1;
        }
        int len = ByteBuffer.wrap(buf, at, 4).getInt();
        if (len < 0 || len > MAX_BODY) {
            throw new LookupError("E_BAD_BODY IDENTIFY failed to read body");
        }
        if (buf.length - at - 4 < len) {
            return -1;
        }
        JsonNode info;
        try {
            info = JSON.readTree(buf, at + 4, len);
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
        return 4 + len;
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
