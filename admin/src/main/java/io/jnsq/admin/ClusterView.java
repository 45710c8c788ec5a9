package io.jnsq.admin;

import static io.jnsq.admin.ClusterInfo.JSON;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The answers of nsqadmin's read API, gathered from the cluster: topic list, a topic or channel over all its nodes,
 * nodes, one node, the counter. The JSON pages and the HTML pages both show these.
 */
@Singleton
public class ClusterView {

    private final ClusterInfo cluster;

    public ClusterView(ClusterInfo cluster) {
        this.cluster = cluster;
    }

    ClusterInfo cluster() {
        return cluster;
    }

    /** {@code {"topics":[...]}}, or with {@code inactive} the lookupd topics no node has, with their channels. */
    ObjectNode topics(boolean inactive, Warnings w) throws UpstreamException {
        ObjectNode o = JSON.createObjectNode();
        List<String> topics = cluster.topics(w);
        if (!inactive) {
            o.putArray("topics").addAll(topics.stream().map(JSON.getNodeFactory()::textNode).toList());
            return o;
        }
        ObjectNode byTopic = o.putObject("topics");
        if (cluster.usesLookupd()) {
            for (String t : topics) {
                if (cluster.topicProducers(t, w).isEmpty()) {
                    ArrayNode channels = byTopic.putArray(t);
                    cluster.lookupdChannels(t, w).forEach(channels::add);
                }
            }
        }
        return o;
    }

    /** A topic over every node that has it. */
    ObjectNode topic(String topic, Warnings w) throws UpstreamException {
        List<Producer> producers = cluster.topicProducers(topic, w);
        return StatsView.topicTotal(topic, topicPerNode(producers, topic, "", false, w));
    }

    /** A channel over every node that has it, with its clients. */
    ObjectNode channel(String topic, String channel, Warnings w) throws UpstreamException, NotFoundException {
        List<Producer> producers = cluster.topicProducers(topic, w);
        List<ObjectNode> perNode = new ArrayList<>();
        for (ObjectNode t : topicPerNode(producers, topic, channel, true, w)) {
            for (JsonNode c : t.path("channels")) {
                if (c.path("channel_name").asText().equals(channel)) {
                    perNode.add((ObjectNode) c);
                }
            }
        }
        if (perNode.isEmpty()) {
            throw new NotFoundException("CHANNEL_NOT_FOUND");
        }
        return StatsView.channelTotal(topic, channel, perNode);
    }

    /**
     * The next {@code n} messages of a channel on each node that has its topic, left in place (jnsq's
     * {@code /channel/peek}); a node that answers the path 404 is a real nsqd, marked {@code unsupported}.
     */
    ObjectNode peek(String topic, String channel, int n, Warnings w) throws UpstreamException {
        List<Producer> producers = cluster.topicProducers(topic, w);
        ObjectNode o = JSON.createObjectNode();
        o.put("topic", topic).put("channel", channel);
        ArrayNode nodes = o.putArray("nodes");
        Map<String, java.util.concurrent.CompletableFuture<JsonNode>> pending = new java.util.LinkedHashMap<>();
        for (Producer p : producers) {
            pending.put(p.httpAddress(), cluster.send(p.httpAddress(), "GET", "/channel/peek?topic=" + ClusterInfo.enc(topic)
                    + "&channel=" + ClusterInfo.enc(channel) + "&n=" + n));
        }
        for (var e : pending.entrySet()) {
            ObjectNode node = nodes.addObject().put("node", e.getKey());
            try {
                JsonNode answer = e.getValue().join();
                node.put("depth", answer.path("depth").asLong());
                node.set("messages", answer.path("messages"));
                node.put("byte_limit_reached", answer.path("byte_limit_reached").asBoolean());
            } catch (RuntimeException ex) {
                String problem = ex.getCause() != null ? ex.getCause().getMessage() : ex.getMessage();
                boolean unsupported = problem != null && problem.startsWith("got response 404") && problem.contains(":\\\"NOT_FOUND\\\"");
                node.put("unsupported", unsupported);
                node.put("problem", unsupported ? "this nsqd does not offer peeking (/channel/peek is a jnsq extension)" : problem);
            }
        }
        return o;
    }

    ObjectNode nodes(Warnings w) throws UpstreamException {
        ObjectNode o = JSON.createObjectNode();
        o.set("nodes", JSON.valueToTree(cluster.producers(w)));
        return o;
    }

    /** One node with all its topics, channels and clients. */
    ObjectNode node(String node, Warnings w) throws UpstreamException, NotFoundException {
        Producer p = cluster.producers(w).stream().filter(x -> x.httpAddress().equals(node)).findFirst()
                .orElseThrow(() -> new NotFoundException("NODE_NOT_FOUND"));
        List<ObjectNode> topics = new ArrayList<>();
        for (JsonNode stats : cluster.nsqdStats(List.of(node), "", "", true, w).values()) {
            for (JsonNode t : stats.path("topics")) {
                topics.add(StatsView.topic(node, p.hostname(), t, true));
            }
        }
        topics.sort(Comparator.comparing(t -> t.path("topic_name").asText()));
        long messages = 0;
        long clients = 0;
        for (ObjectNode t : topics) {
            messages += t.path("message_count").asLong();
            for (JsonNode c : t.path("channels")) {
                clients += c.path("client_count").asLong();
            }
        }
        ObjectNode o = JSON.createObjectNode();
        o.put("node", node);
        o.putArray("topics").addAll(topics);
        o.put("total_messages", messages).put("total_clients", clients);
        return o;
    }

    /** {@code {"stats":{"topic:channel:node":{...message_count}}}} over every channel of every node. */
    ObjectNode counter(Warnings w) throws UpstreamException {
        ObjectNode o = JSON.createObjectNode();
        ObjectNode stats = o.putObject("stats");
        for (ObjectNode t : allPerNode(w)) {
            for (JsonNode c : t.path("channels")) {
                String key = t.path("topic_name").asText() + ":" + c.path("channel_name").asText() + ":" + t.path("node").asText();
                stats.putObject(key).put("node", t.path("node").asText()).put("topic_name", t.path("topic_name").asText())
                        .put("channel_name", c.path("channel_name").asText())
                        .put("message_count", c.path("message_count").asLong());
            }
        }
        return o;
    }

    /** Every topic of every node, one entry per node (no clients): what the topic list page and the counter sum. */
    List<ObjectNode> allPerNode(Warnings w) throws UpstreamException {
        List<Producer> producers = cluster.producers(w);
        List<ObjectNode> out = new ArrayList<>();
        Map<String, JsonNode> stats = cluster.nsqdStats(producers.stream().map(Producer::httpAddress).toList(), "", "", false, w);
        for (Producer p : producers) {
            JsonNode s = stats.get(p.httpAddress());
            if (s != null) {
                for (JsonNode t : s.path("topics")) {
                    out.add(StatsView.topic(p.httpAddress(), p.hostname(), t, false));
                }
            }
        }
        return out;
    }

    private List<ObjectNode> topicPerNode(List<Producer> producers, String topic, String channel, boolean clients, Warnings w)
            throws UpstreamException {
        List<ObjectNode> perNode = new ArrayList<>();
        if (producers.isEmpty()) {
            return perNode;
        }
        Map<String, JsonNode> stats = cluster.nsqdStats(producers.stream().map(Producer::httpAddress).toList(), topic,
                channel, clients, w);
        for (Producer p : producers) {
            JsonNode s = stats.get(p.httpAddress());
            if (s == null) {
                continue;
            }
            for (JsonNode t : s.path("topics")) {
                if (t.path("topic_name").asText().equals(topic)) {
                    perNode.add(StatsView.topic(p.httpAddress(), p.hostname(), t, clients));
                }
            }
        }
        return perNode;
    }
}
