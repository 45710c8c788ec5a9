package io.jnsq.admin;

import static io.jnsq.admin.ClusterInfo.JSON;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * nsqd {@code /stats} turned into nsqadmin's JSON: per-node topic, channel and client entries, and their sums over
 * nodes (node {@code "*"}), field for field in nsqadmin v1.3.0's order, with E2E latency percentiles merged.
 */
final class StatsView {

    private StatsView() {
    }

    /** One node's entry for a topic, with its channels (clients only when {@code withClients}). */
    static ObjectNode topic(String node, String hostname, JsonNode t, boolean withClients) {
        ObjectNode o = JSON.createObjectNode();
        o.put("node", node).put("hostname", hostname).put("topic_name", t.path("topic_name").asText());
        long depth = t.path("depth").asLong();
        long backend = t.path("backend_depth").asLong();
        o.put("depth", depth).put("memory_depth", depth - backend).put("backend_depth", backend)
                .put("message_count", t.path("message_count").asLong());
        o.putNull("nodes");
        ArrayNode channels = o.putArray("channels");
        for (JsonNode c : t.path("channels")) {
            channels.add(channel(node, hostname, t.path("topic_name").asText(), c, withClients));
        }
        o.put("paused", t.path("paused").asBoolean());
        o.set("e2e_processing_latency", latency(t.path("e2e_processing_latency"), "", "", ""));
        return o;
    }

    static ObjectNode channel(String node, String hostname, String topic, JsonNode c, boolean withClients) {
        ObjectNode o = JSON.createObjectNode();
        o.put("node", node).put("hostname", hostname).put("topic_name", topic)
                .put("channel_name", c.path("channel_name").asText());
        long depth = c.path("depth").asLong();
        long backend = c.path("backend_depth").asLong();
        o.put("depth", depth).put("memory_depth", depth - backend).put("backend_depth", backend)
                .put("in_flight_count", c.path("in_flight_count").asLong())
                .put("deferred_count", c.path("deferred_count").asLong())
                .put("requeue_count", c.path("requeue_count").asLong())
                .put("timeout_count", c.path("timeout_count").asLong())
                .put("message_count", c.path("message_count").asLong())
                .put("client_count", c.path("client_count").asInt());
        o.putNull("nodes");
        if (withClients) {
            ArrayNode clients = o.putArray("clients");
            for (JsonNode cl : c.path("clients")) {
                clients.add(client(node, cl));
            }
        } else {
            o.putNull("clients");
        }
        o.put("paused", c.path("paused").asBoolean());
        o.set("e2e_processing_latency", latency(c.path("e2e_processing_latency"), "", "", ""));
        return o;
    }

    static ObjectNode client(String node, JsonNode c) {
        long connectTs = c.path("connect_ts").asLong();
        ObjectNode o = JSON.createObjectNode();
        o.put("node", node).put("remote_address", c.path("remote_address").asText())
                .put("version", c.path("version").asText()).put("client_id", c.path("client_id").asText())
                .put("hostname", c.path("hostname").asText()).put("user_agent", c.path("user_agent").asText())
                .put("connect_ts", connectTs)
                .put("connected", Math.max(0, System.currentTimeMillis() / 1000 - connectTs) * 1_000_000_000L)
                .put("in_flight_count", c.path("in_flight_count").asInt()).put("ready_count", c.path("ready_count").asInt())
                .put("finish_count", c.path("finish_count").asLong()).put("requeue_count", c.path("requeue_count").asLong())
                .put("message_count", c.path("message_count").asLong()).put("sample_rate", c.path("sample_rate").asInt())
                .put("deflate", c.path("deflate").asBoolean()).put("snappy", c.path("snappy").asBoolean())
                .put("authed", c.path("authed").asBoolean()).put("auth_identity", c.path("auth_identity").asText())
                .put("auth_identity_url", c.path("auth_identity_url").asText()).put("tls", c.path("tls").asBoolean())
                .put("tls_cipher_suite", c.path("tls_cipher_suite").asText()).put("tls_version", c.path("tls_version").asText())
                .put("tls_negotiated_protocol", c.path("tls_negotiated_protocol").asText())
                .put("tls_negotiated_protocol_is_mutual", c.path("tls_negotiated_protocol_is_mutual").asBoolean());
        return o;
    }

    /** A topic summed over its nodes' entries; channels on one node stay that node's, others are summed. */
    static ObjectNode topicTotal(String topic, List<ObjectNode> perNode) {
        perNode.sort(Comparator.comparing(n -> n.path("hostname").asText()));
        ObjectNode o = JSON.createObjectNode();
        o.put("node", "*").put("hostname", "").put("topic_name", topic);
        o.put("depth", sum(perNode, "depth")).put("memory_depth", sum(perNode, "memory_depth"))
                .put("backend_depth", sum(perNode, "backend_depth")).put("message_count", sum(perNode, "message_count"));
        o.putArray("nodes").addAll(perNode);
        Map<String, List<ObjectNode>> byChannel = new LinkedHashMap<>();
        for (ObjectNode n : perNode) {
            for (JsonNode c : n.path("channels")) {
                byChannel.computeIfAbsent(c.path("channel_name").asText(), k -> new ArrayList<>()).add((ObjectNode) c);
            }
        }
        ArrayNode channels = o.putArray("channels");
        byChannel.forEach((name, list) -> channels.add(list.size() == 1 ? list.get(0) : channelTotal(topic, name, list)));
        o.put("paused", perNode.stream().anyMatch(n -> n.path("paused").asBoolean()));
        o.set("e2e_processing_latency", latencyTotal(topic, "", perNode));
        return o;
    }

    /** A channel summed over its nodes' entries, clients of every node together. */
    static ObjectNode channelTotal(String topic, String channel, List<ObjectNode> perNode) {
        perNode.sort(Comparator.comparing(n -> n.path("hostname").asText()));
        ObjectNode o = JSON.createObjectNode();
        o.put("node", "*").put("hostname", "").put("topic_name", topic).put("channel_name", channel);
        for (String f : List.of("depth", "memory_depth", "backend_depth", "in_flight_count", "deferred_count",
                "requeue_count", "timeout_count", "message_count", "client_count")) {
            o.put(f, sum(perNode, f));
        }
        o.putArray("nodes").addAll(perNode);
        List<JsonNode> clients = new ArrayList<>();
        boolean anyClients = false;
        for (ObjectNode n : perNode) {
            if (n.path("clients").isArray()) {
                anyClients = true;
                n.path("clients").forEach(clients::add);
            }
        }
        if (anyClients) {
            clients.sort(Comparator.comparing(c -> c.path("hostname").asText()));
            o.putArray("clients").addAll(clients);
        } else {
            o.putNull("clients");
        }
        o.put("paused", perNode.stream().anyMatch(n -> n.path("paused").asBoolean()));
        o.set("e2e_processing_latency", latencyTotal(topic, channel, perNode));
        return o;
    }

    private static long sum(List<ObjectNode> nodes, String field) {
        return nodes.stream().mapToLong(n -> n.path(field).asLong()).sum();
    }

    /** One node's latency as nsqadmin reads it: each percentile's value is also its min, max and average. */
    static ObjectNode latency(JsonNode e2e, String topic, String channel, String host) {
        ObjectNode o = JSON.createObjectNode();
        long count = e2e.path("count").asLong();
        o.put("count", count);
        if (e2e.path("percentiles").isArray() && !e2e.path("percentiles").isEmpty()) {
            ArrayNode ps = o.putArray("percentiles");
            for (JsonNode p : e2e.path("percentiles")) {
                TreeMap<String, Double> m = new TreeMap<>();
                p.fields().forEachRemaining(f -> m.put(f.getKey(), f.getValue().asDouble()));
                double value = p.path("value").asDouble();
                m.put("min", value);
                m.put("max", value);
                m.put("average", value);
                m.put("count", (double) count);
                ObjectNode po = ps.addObject();
                m.forEach(po::put);
            }
        } else {
            o.putNull("percentiles");
        }
        o.put("topic", topic).put("channel", channel).put("host", host);
        return o;
    }

    /** Nodes' latencies merged: counts summed, per quantile the max, min and count-weighted average. */
    static ObjectNode latencyTotal(String topic, String channel, List<ObjectNode> perNode) {
        long count = 0;
        Map<Double, double[]> byQuantile = new TreeMap<>(Comparator.reverseOrder()); // {max, min, count, average}
        for (ObjectNode n : perNode) {
            JsonNode e = n.path("e2e_processing_latency");
            count += e.path("count").asLong();
            for (JsonNode p : e.path("percentiles")) {
                double[] agg = byQuantile.computeIfAbsent(p.path("quantile").asDouble(), q -> new double[4]);
                double pc = p.path("count").asDouble();
                agg[0] = Math.max(agg[0], p.path("max").asDouble());
                agg[1] = agg[2] == 0 ? p.path("min").asDouble() : Math.min(agg[1], p.path("min").asDouble());
                agg[2] += pc;
                agg[3] = agg[2] == 0 ? 0 : agg[3] + (p.path("average").asDouble() - agg[3]) * pc / agg[2];
            }
        }
        ObjectNode o = JSON.createObjectNode();
        o.put("count", count);
        if (byQuantile.isEmpty()) {
            o.putNull("percentiles");
        } else {
            ArrayNode ps = o.putArray("percentiles");
            byQuantile.forEach((q, a) -> ps.addObject().put("average", a[3]).put("count", a[2]).put("max", a[0])
                    .put("min", a[1]).put("quantile", q));
        }
        o.put("topic", topic).put("channel", channel).put("host", "*");
        return o;
    }
}
