package io.jnsq.admin;

import static io.jnsq.admin.ClusterInfo.JSON;
import static io.jnsq.admin.ClusterInfo.enc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jnsq.cli.ListenAddress;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Singleton;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.jboss.logging.Logger;

/**
 * What nsqadmin changes in the cluster: create, delete, pause, unpause and empty topics and channels, tombstone a
 * topic on a node, publish a test message. Each goes to the lookupds and/or the nsqds concerned, is announced to
 * {@code --notification-http-endpoint} in nsqadmin's AdminAction JSON, and is written to the audit log (category
 * {@code io.jnsq.admin.audit}): who, what, and the result, refusals included.
 */
@Singleton
public class AdminActions {

    private static final Logger LOG = Logger.getLogger(AdminActions.class);
    private static final Logger AUDIT = Logger.getLogger("io.jnsq.admin.audit");

    /** Who asked, for the notification: user (from the ACL header), remote IP, user agent, URL. */
    record Requester(String user, String remoteIp, String userAgent, String url) {
        String who() {
            return (user == null || user.isEmpty() ? "anonymous" : user) + "@" + remoteIp;
        }
    }

    /** An action's steps; its warnings are part of the result logged. */
    @FunctionalInterface
    private interface Steps {
        void run() throws UpstreamException;
    }

    private final ClusterInfo cluster;
    private final AdminOptions opts;
    private final HttpClient notifier = HttpClient.newHttpClient();

    private final SignIn signIn;

    public AdminActions(ClusterInfo cluster, AdminOptions opts, SignIn signIn) {
        this.cluster = cluster;
        this.opts = opts;
        this.signIn = signIn;
    }

    /** Whether the requester may act: see {@link SignIn#isAdmin}. */
    boolean isAdmin(RoutingContext ctx) {
        return signIn.isAdmin(ctx);
    }

    void createTopicChannel(String topic, String channel, Requester who, Warnings w) throws UpstreamException {
        audited(channel.isEmpty() ? "create_topic" : "create_topic_channel", topic, channel, "", who, w, () -> {
            if (cluster.usesLookupd()) {
                cluster.postEverywhere(cluster.lookupds(), "/topic/create?topic=" + enc(topic), "nsqlookupd", w);
                if (!channel.isEmpty()) {
                    cluster.postEverywhere(cluster.lookupds(), "/channel/create?topic=" + enc(topic) + "&channel=" + enc(channel),
                            "nsqlookupd", w);
                }
            } else {
                cluster.postEverywhere(opts.nsqdHttpAddresses, "/topic/create?topic=" + enc(topic), "nsqd", w);
                if (!channel.isEmpty()) {
                    cluster.postEverywhere(opts.nsqdHttpAddresses,
                            "/channel/create?topic=" + enc(topic) + "&channel=" + enc(channel), "nsqd", w);
                }
            }
        });
        notify("create_topic", topic, "", "", who);
        if (!channel.isEmpty()) {
            notify("create_channel", topic, channel, "", who);
        }
    }

    void deleteTopic(String topic, Requester who, Warnings w) throws UpstreamException {
        audited("delete_topic", topic, "", "", who, w, () -> {
            List<String> nodes = nodesOf(topic, w);
            if (cluster.usesLookupd()) {
                cluster.postEverywhere(cluster.lookupds(), "/topic/delete?topic=" + enc(topic), "nsqlookupd", w);
            }
            if (!nodes.isEmpty()) {
                cluster.postEverywhere(nodes, "/topic/delete?topic=" + enc(topic), "nsqd", w);
            }
        });
        notify("delete_topic", topic, "", "", who);
    }

    void deleteChannel(String topic, String channel, Requester who, Warnings w) throws UpstreamException {
        audited("delete_channel", topic, channel, "", who, w, () -> {
            List<String> nodes = nodesOf(topic, w);
            String q = "?topic=" + enc(topic) + "&channel=" + enc(channel);
            if (cluster.usesLookupd()) {
                cluster.postEverywhere(cluster.lookupds(), "/channel/delete" + q, "nsqlookupd", w);
            }
            if (!nodes.isEmpty()) {
                cluster.postEverywhere(nodes, "/channel/delete" + q, "nsqd", w);
            }
        });
        notify("delete_channel", topic, channel, "", who);
    }

    /**
     * pause, unpause or empty a topic ({@code channel} empty) or a channel on every node that has the topic.
     *
     * @throws IllegalArgumentException for another action ({@code INVALID_ACTION})
     */
    void act(String action, String topic, String channel, Requester who, Warnings w) throws UpstreamException {
        if (!List.of("pause", "unpause", "empty").contains(action)) {
            throw new IllegalArgumentException("INVALID_ACTION");
        }
        String what = channel.isEmpty() ? "topic" : "channel";
        audited(action + "_" + what, topic, channel, "", who, w, () -> {
            List<String> nodes = nodesOf(topic, w);
            String q = "?topic=" + enc(topic) + (channel.isEmpty() ? "" : "&channel=" + enc(channel));
            if (!nodes.isEmpty()) {
                cluster.postEverywhere(nodes, "/" + what + "/" + action + q, "nsqd", w);
            }
        });
        notify(action + "_" + what, topic, channel, "", who);
    }

    /**
     * Tombstones a node's topic on the lookupds (consumers stop being sent there for the tombstone lifetime), then
     * deletes the topic on that nsqd, as nsqadmin does: otherwise it stays behind, unregistered, holding its messages.
     */
    void tombstone(String topic, String node, Requester who, Warnings w) throws UpstreamException {
        audited("tombstone_topic_producer", topic, "", node, who, w, () -> {
            cluster.postEverywhere(cluster.lookupds(), "/topic/tombstone?topic=" + enc(topic) + "&node=" + enc(node),
                    "nsqlookupd", w);
            cluster.postEverywhere(List.of(node), "/topic/delete?topic=" + enc(topic), "nsqd", w);
        });
        notify("tombstone_topic_producer", topic, "", node, who);
    }

    /** Publishes one message to a topic through the first node that has it (or the first node at all). */
    void publish(String topic, byte[] body, Requester who, Warnings w) throws UpstreamException {
        String[] to = {""};
        audited("publish", topic, "", "", who, w, () -> to[0] = publishOnce(topic, body, w));
        notify("publish", topic, "", to[0], who);
    }

    /** Refusals are actions too: logged with who tried. */
    void refused(String what, Requester who) {
        AUDIT.infof("%s %s: FORBIDDEN", who.who(), what);
    }

    private void audited(String action, String topic, String channel, String node, Requester who, Warnings w, Steps steps)
            throws UpstreamException {
        String what = action + " topic=" + topic + (channel.isEmpty() ? "" : " channel=" + channel) + (node.isEmpty() ? "" : " node=" + node);
        try {
            steps.run();
        } catch (UpstreamException | RuntimeException e) {
            AUDIT.infof("%s %s: FAILED %s", who.who(), what, e.getMessage());
            throw e;
        }
        AUDIT.infof("%s %s: OK%s", who.who(), what, w.isEmpty() ? "" : " (" + w.message() + ")");
    }

    /** Publishes through the first node that has the topic (or the first node at all); returns that node. */
    private String publishOnce(String topic, byte[] body, Warnings w) throws UpstreamException {
        List<String> nodes = nodesOf(topic, w);
        if (nodes.isEmpty()) {
            nodes = cluster.producers(w).stream().map(Producer::httpAddress).toList();
        }
        if (nodes.isEmpty()) {
            throw new UpstreamException("no nsqd to publish to");
        }
        String node = nodes.get(0);
        try {
            cluster.send(node, "POST", "/pub?topic=" + enc(topic), body).join();
        } catch (java.util.concurrent.CompletionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new UpstreamException("publish to " + node + " failed: " + cause.getMessage());
        }
        return node;
    }

    private List<String> nodesOf(String topic, Warnings w) throws UpstreamException {
        List<String> out = new ArrayList<>();
        try {
            cluster.topicProducers(topic, w).forEach(p -> out.add(p.httpAddress()));
        } catch (UpstreamException e) {
            if (!cluster.usesLookupd()) {
                throw e;
            }
            w.add(e.getMessage()); // lookupd does not know it (any more): nothing to do on nodes
        }
        return out;
    }

    private void notify(String action, String topic, String channel, String node, Requester who) {
        if (opts.notificationHttpEndpoint.isEmpty()) {
            return;
        }
        ObjectNode a = JSON.createObjectNode();
        a.put("action", action).put("topic", topic);
        if (!channel.isEmpty()) {
            a.put("channel", channel);
        }
        if (!node.isEmpty()) {
            a.put("node", node);
        }
        a.put("timestamp", System.currentTimeMillis() / 1000);
        if (who.user() != null && !who.user().isEmpty()) {
            a.put("user", who.user());
        }
        a.put("remote_ip", who.remoteIp()).put("user_agent", who.userAgent()).put("url", who.url())
                .put("via", ListenAddress.hostname());
        CompletableFuture<HttpResponse<Void>> sent = notifier.sendAsync(HttpRequest.newBuilder(URI.create(opts.notificationHttpEndpoint))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(a.toString())).build(),
                HttpResponse.BodyHandlers.discarding());
        sent.whenComplete((r, e) -> {
            if (e != null) {
                LOG.warnf("notification of %s to %s failed: %s", action, opts.notificationHttpEndpoint, e.getMessage());
            }
        });
    }
}
