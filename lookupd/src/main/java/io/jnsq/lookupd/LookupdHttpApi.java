package io.jnsq.lookupd;

import static io.jnsq.protocol.http.NsqHttp.empty;
import static io.jnsq.protocol.http.NsqHttp.error;
import static io.jnsq.protocol.http.NsqHttp.json;
import static io.jnsq.protocol.http.NsqHttp.route;

import io.jnsq.cli.NsqVersion;
import io.jnsq.lookupd.RegistrationDB.Producer;
import io.jnsq.lookupd.RegistrationDB.Registration;
import io.jnsq.protocol.Names;
import io.jnsq.protocol.http.NsqHttp;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/** nsqlookupd's HTTP API with nsqlookupd v1.3.0's paths, status codes, bodies and headers. */
@Singleton
public class LookupdHttpApi {

    private static final Logger LOG = Logger.getLogger(LookupdHttpApi.class);

    private final RegistrationDB db;
    private final LookupdOptions opts;

    @Inject
    public LookupdHttpApi(RegistrationDB db, LookupdOptions opts) {
        this.db = db;
        this.opts = opts;
    }

    void routes(@Observes Router router) {
        // nsqlookupd's handlers that parse the query; /ping, /info, /debug, /topics, /nodes ignore it
        NsqHttp.malformedRequests(router, r -> switch (r.path()) {
            case "/lookup", "/channels" -> r.method() == HttpMethod.GET;
            case "/topic/create", "/topic/delete", "/channel/create", "/channel/delete", "/topic/tombstone" ->
                    r.method() == HttpMethod.POST;
            default -> false;
        }, LOG::warn, LOG::error);
        route(router, "/ping", Set.of(HttpMethod.GET), ctx -> ctx.response().putHeader("Content-Type", NsqHttp.TEXT_TYPE).end("OK"));
        route(router, "/info", Set.of(HttpMethod.GET), ctx -> json(ctx, Map.of("version", NsqVersion.NSQ)));
        route(router, "/debug", Set.of(HttpMethod.GET), this::debug);
        route(router, "/lookup", Set.of(HttpMethod.GET), this::lookup);
        route(router, "/topics", Set.of(HttpMethod.GET), ctx -> json(ctx, Map.of("topics",
                RegistrationDB.keys(db.find("topic", "*", "")))));
        route(router, "/channels", Set.of(HttpMethod.GET), this::channels);
        route(router, "/nodes", Set.of(HttpMethod.GET), this::nodes);
        route(router, "/topic/create", Set.of(HttpMethod.POST), this::createTopic);
        route(router, "/topic/delete", Set.of(HttpMethod.POST), this::deleteTopic);
        route(router, "/channel/create", Set.of(HttpMethod.POST), this::createChannel);
        route(router, "/channel/delete", Set.of(HttpMethod.POST), this::deleteChannel);
        route(router, "/topic/tombstone", Set.of(HttpMethod.POST), this::tombstone);
        NsqHttp.notFoundExcept(router, Set.of("/metrics"));
    }

    private void lookup(RoutingContext ctx) {
        String topic = ctx.request().getParam("topic");
        if (topic == null) {
            error(ctx, 400, "MISSING_ARG_TOPIC");
            return;
        }
        if (db.find("topic", topic, "").isEmpty()) {
            error(ctx, 404, "TOPIC_NOT_FOUND");
            return;
        }
        Set<String> channels = RegistrationDB.subKeys(db.find("channel", topic, "*"));
        List<Map<String, Object>> producers = new ArrayList<>();
        for (Producer p : RegistrationDB.active(db.producers("topic", topic, ""), opts.inactiveProducerTimeout.toNanos(),
                opts.tombstoneLifetime.toNanos())) {
            producers.add(peerInfo(p.peer));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("channels", channels);
        out.put("producers", producers);
        json(ctx, out);
    }

    private void channels(RoutingContext ctx) {
        String topic = ctx.request().getParam("topic");
        if (topic == null) {
            error(ctx, 400, "MISSING_ARG_TOPIC");
            return;
        }
        json(ctx, Map.of("channels", RegistrationDB.subKeys(db.find("channel", topic, "*"))));
    }

    private void nodes(RoutingContext ctx) {
        List<Map<String, Object>> nodes = new ArrayList<>();
        for (Producer p : RegistrationDB.active(db.producers("client", "", ""), opts.inactiveProducerTimeout.toNanos(), 0)) {
            List<String> topics = new ArrayList<>();
            List<Boolean> tombstones = new ArrayList<>();
            for (Registration r : db.registrationsOf(p.peer.id)) {
                if (r.category().equals("topic")) {
                    topics.add(r.key());
                    boolean tombstoned = false;
                    for (Producer tp : db.producers("topic", r.key(), "")) {
                        if (tp.peer == p.peer) {
                            tombstoned = tp.isTombstoned(opts.tombstoneLifetime.toNanos());
                        }
                    }
                    tombstones.add(tombstoned);
                }
            }
            Map<String, Object> node = peerInfo(p.peer);
            node.put("tombstones", tombstones);
            node.put("topics", topics);
            nodes.add(node);
        }
        json(ctx, Map.of("producers", nodes));
    }

    private void debug(RoutingContext ctx) {
        // a Go map: keys sorted, as are each entry's fields
        Map<String, List<Map<String, Object>>> out = new TreeMap<>();
        db.snapshot().forEach((r, producers) -> {
            List<Map<String, Object>> list = new ArrayList<>();
            for (Producer p : producers) {
                Map<String, Object> m = new TreeMap<>();
                m.put("id", p.peer.id);
                m.put("hostname", p.peer.hostname);
                m.put("broadcast_address", p.peer.broadcastAddress);
                m.put("tcp_port", p.peer.tcpPort);
                m.put("http_port", p.peer.httpPort);
                m.put("version", p.peer.version);
                m.put("last_update", p.peer.lastUpdateNanos);
                m.put("tombstoned", p.tombstoned);
                m.put("tombstoned_at", p.tombstoned ? p.tombstonedAtNanos : -6795364578871345152L);
                list.add(m);
            }
            out.put(r.debugKey(), list);
        });
        json(ctx, out);
    }

    private void createTopic(RoutingContext ctx) {
        String topic = ctx.request().getParam("topic");
        if (topic == null) {
            error(ctx, 400, "MISSING_ARG_TOPIC");
        } else if (!Names.isValidTopicName(topic)) {
            error(ctx, 400, "INVALID_ARG_TOPIC");
        } else {
            db.addRegistration(new Registration("topic", topic, ""));
            empty(ctx);
        }
    }

    private void deleteTopic(RoutingContext ctx) {
        String topic = ctx.request().getParam("topic");
        if (topic == null) {
            error(ctx, 400, "MISSING_ARG_TOPIC");
            return;
        }
        db.find("channel", topic, "*").forEach(db::removeRegistration);
        db.find("topic", topic, "").forEach(db::removeRegistration);
        empty(ctx);
    }

    private void createChannel(RoutingContext ctx) {
        String[] tc = topicChannelArgs(ctx);
        if (tc != null) {
            db.addRegistration(new Registration("channel", tc[0], tc[1]));
            db.addRegistration(new Registration("topic", tc[0], ""));
            empty(ctx);
        }
    }

    private void deleteChannel(RoutingContext ctx) {
        String[] tc = topicChannelArgs(ctx);
        if (tc == null) {
            return;
        }
        List<Registration> found = db.find("channel", tc[0], tc[1]);
        if (found.isEmpty()) {
            error(ctx, 404, "CHANNEL_NOT_FOUND");
            return;
        }
        found.forEach(db::removeRegistration);
        empty(ctx);
    }

    private void tombstone(RoutingContext ctx) {
        String topic = ctx.request().getParam("topic");
        String node = ctx.request().getParam("node");
        if (topic == null) {
            error(ctx, 400, "MISSING_ARG_TOPIC");
        } else if (node == null) {
            error(ctx, 400, "MISSING_ARG_NODE");
        } else {
            db.tombstone(topic, node);
            empty(ctx);
        }
    }

    private static String[] topicChannelArgs(RoutingContext ctx) {
        String topic = ctx.request().getParam("topic");
        String channel = ctx.request().getParam("channel");
        if (topic == null || topic.isEmpty()) {
            error(ctx, 400, "MISSING_ARG_TOPIC");
        } else if (!Names.isValidTopicName(topic)) {
            error(ctx, 400, "INVALID_ARG_TOPIC");
        } else if (channel == null || channel.isEmpty()) {
            error(ctx, 400, "MISSING_ARG_CHANNEL");
        } else if (!Names.isValidChannelName(channel)) {
            error(ctx, 400, "INVALID_ARG_CHANNEL");
        } else {
            return new String[] {topic, channel};
        }
        return null;
    }

    private static Map<String, Object> peerInfo(PeerInfo p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("remote_address", p.remoteAddress);
        m.put("hostname", p.hostname);
        m.put("broadcast_address", p.broadcastAddress);
        m.put("tcp_port", p.tcpPort);
        m.put("http_port", p.httpPort);
        m.put("version", p.version);
        return m;
    }
}
