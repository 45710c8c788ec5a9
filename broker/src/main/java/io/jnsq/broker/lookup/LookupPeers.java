package io.jnsq.broker.lookup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jnsq.broker.BrokerTopology;
import io.jnsq.broker.LookupdAddressesChanged;
import io.jnsq.broker.NsqdOptions;
import io.jnsq.broker.TcpServer;
import io.jnsq.cli.NsqVersion;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Keeps this broker registered with every lookupd of {@code --lookupd-tcp-address} (and of
 * {@code PUT /config/nsqlookupd_tcp_addresses}): a {@link LookupPeer} each, told of every topic and channel change.
 * When a topic is created here, the channels the lookupds know for it are created too, as nsqd does.
 */
@Singleton
public class LookupPeers implements io.jnsq.broker.TopologyListener {

    private static final Logger LOG = Logger.getLogger(LookupPeers.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final NsqdOptions options;
    private final BrokerTopology topology;
    private final TcpServer tcp;
    private final int httpPort;
    private HttpClient http; // made on first use: most brokers never ask a lookupd over HTTP, and a client costs start-up time
    private final Map<String, LookupPeer> peers = new LinkedHashMap<>();

    @Inject
    public LookupPeers(NsqdOptions options, BrokerTopology topology, TcpServer tcp,
            @ConfigProperty(name = "quarkus.http.port", defaultValue = "4151") int httpPort) {
        this.options = options;
        this.topology = topology;
        this.tcp = tcp;
        this.httpPort = httpPort;
    }

    void start(@Observes @Priority(3000) StartupEvent event) {
        connect(options.lookupdTcpAddresses);
    }

    void stop(@Observes ShutdownEvent event) {
        connect(List.of());
    }

    void addressesChanged(@Observes LookupdAddressesChanged change) {
        connect(change.addresses());
    }

    /** Makes the set of peers exactly {@code addresses}. */
    synchronized void connect(List<String> addresses) {
        for (String gone : new ArrayList<>(peers.keySet())) {
            if (!addresses.contains(gone)) {
                LOG.infof("LOOKUP: removing peer %s", gone);
                peers.remove(gone).stop();
            }
        }
        for (String address : addresses) {
            if (!peers.containsKey(address) && address.contains(":")) {
                LOG.infof("LOOKUP(%s): adding peer", address);
                LookupPeer peer = new LookupPeer(address, identifyBody(), this::registrations);
                peers.put(address, peer);
                peer.start();
            }
        }
    }

    @Override
    public void topicCreated(String topic) {
        sendAll("REGISTER " + topic);
        for (String channel : channelsKnownToLookupds(topic)) {
            topology.ensureChannel(topic, channel);
        }
    }

    @Override
    public void topicDeleted(String topic) {
        sendAll("UNREGISTER " + topic);
    }

    @Override
    public void channelCreated(String topic, String channel) {
        sendAll("REGISTER " + topic + " " + channel);
    }

    @Override
    public void channelDeleted(String topic, String channel) {
        sendAll("UNREGISTER " + topic + " " + channel);
    }

    private synchronized void sendAll(String command) {
        peers.values().forEach(p -> p.send(command));
    }

    /** What to register after (re)connecting: a topic's channels, or the topic alone when it has none. */
    private List<String> registrations() {
        List<String> commands = new ArrayList<>();
        for (Map.Entry<String, Set<String>> e : topology.topicsAndChannels().entrySet()) {
            if (e.getValue().isEmpty()) {
                commands.add("REGISTER " + e.getKey());
            } else {
                e.getValue().forEach(c -> commands.add("REGISTER " + e.getKey() + " " + c));
            }
        }
        return commands;
    }

    private synchronized HttpClient http() {
        if (http == null) {
            http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        }
        return http;
    }

    private List<String> channelsKnownToLookupds(String topic) {
        List<String> channels = new ArrayList<>();
        List<LookupPeer> current;
        synchronized (this) {
            current = new ArrayList<>(peers.values());
        }
        for (LookupPeer p : current) {
            String addr = p.httpAddress();
            if (addr == null) {
                continue;
            }
            try {
                HttpRequest req = HttpRequest.newBuilder(URI.create("http://" + addr + "/channels?topic="
                        + URLEncoder.encode(topic, StandardCharsets.UTF_8))).timeout(Duration.ofSeconds(2)).build();
                HttpResponse<String> resp = http().send(req, HttpResponse.BodyHandlers.ofString());
                if (resp.statusCode() == 200) {
                    for (JsonNode c : JSON.readTree(resp.body()).path("channels")) {
                        if (!channels.contains(c.asText())) {
                            channels.add(c.asText());
                        }
                    }
                }
            } catch (Exception e) {
                LOG.warnf("LOOKUPD(%s): could not ask for the channels of %s: %s", addr, topic, e.getMessage());
            }
        }
        return channels;
    }

    /** With port 0 (tests), Quarkus publishes the port it bound once the HTTP server is up. */
    private int boundHttpPort() {
        var config = org.eclipse.microprofile.config.ConfigProvider.getConfig();
        return config.getOptionalValue("quarkus.http.test-port", Integer.class).filter(p -> p > 0)
                .or(() -> config.getOptionalValue("quarkus.http.port", Integer.class).filter(p -> p > 0))
                .orElse(httpPort);
    }

    private byte[] identifyBody() {
        int tcpPort = options.broadcastTcpPort > 0 ? options.broadcastTcpPort : tcp.port();
        int advertisedHttp = options.broadcastHttpPort > 0 ? options.broadcastHttpPort
                : options.httpPort() != 0 ? options.httpPort() : boundHttpPort();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("version", NsqVersion.NSQ);
        body.put("tcp_port", tcpPort);
        body.put("http_port", advertisedHttp);
        body.put("hostname", NsqdOptions.hostname());
        body.put("broadcast_address", options.broadcastAddress);
        try {
            return JSON.writeValueAsBytes(body);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
