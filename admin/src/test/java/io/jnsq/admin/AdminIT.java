package io.jnsq.admin;

import static io.jnsq.testing.RealProcesses.await;
import static io.jnsq.testing.RealProcesses.freePort;
import static io.jnsq.testing.RealProcesses.get;
import static io.jnsq.testing.RealProcesses.http;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.jnsq.testing.RealProcesses;
import io.jnsq.testing.RealProcesses.Run;
import io.jnsq.testing.RealProcesses.Server;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/nsqadmin against a real bin/nsqlookupd and two bin/nsqd: every page and JSON API answer, every action changing
 * the brokers as nsqadmin's would, admin-only actions, notifications.
 */
class AdminIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;

    static AdminCluster cluster;
    static RealProcesses bin;
    static Server lookupd;
    static Server a;
    static Server b;
    static int admin;
    static HttpServer notifications;
    static final List<JsonNode> notified = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void cluster() throws Exception {
        notifications = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        notifications.createContext("/", ex -> {
            notified.add(JSON.readTree(ex.getRequestBody().readAllBytes()));
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        notifications.start();
        cluster = AdminCluster.start(tmp, "orders", "billing",
                "--notification-http-endpoint=http://127.0.0.1:" + notifications.getAddress().getPort() + "/n");
        bin = cluster.bin;
        lookupd = cluster.lookupd;
        a = cluster.a;
        b = cluster.b;
        admin = cluster.admin;
        http("POST", a.http(), "/mpub?topic=orders", "o1\no2\no3");
        http("POST", b.http(), "/mpub?topic=orders", "o4\no5");
        cluster.awaitOnBoth("orders");
    }

    @AfterAll
    static void stop() {
        notifications.stop(0);
        cluster.close();
    }

    private static JsonNode api(String path) throws IOException {
        return JSON.readTree(get(admin, path));
    }

    private static HttpResponse<String> send(String method, String path, String body, String... headers) throws Exception {
        return cluster.send(method, path, body, headers);
    }

    private static JsonNode channelOn(Server s, String topic, String channel) throws IOException {
        for (JsonNode t : JSON.readTree(get(s.http(), "/stats?format=json&topic=" + topic)).path("topics")) {
            for (JsonNode c : t.path("channels")) {
                if (c.path("channel_name").asText().equals(channel)) {
                    return c;
                }
            }
        }
        return JSON.createObjectNode();
    }

    private static String node(Server s) {
        return AdminCluster.node(s);
    }

    @Test
    void apiTopicsNodesAndCounterHaveNsqadminsShapes() throws Exception {
        assertThat(get(admin, "/api/topics")).matches("\\{\"topics\":\\[(\"[a-z_]+\",)*\"orders\"(,\"[a-z_]+\")*],\"message\":\"\"}");
        JsonNode topic = api("/api/topics/orders");
        assertThat(fieldNames(topic)).containsExactly("node", "hostname", "topic_name", "depth", "memory_depth",
                "backend_depth", "message_count", "nodes", "channels", "paused", "e2e_processing_latency", "message");
        assertThat(topic.path("node").asText()).isEqualTo("*");
        assertThat(topic.path("message_count").asLong()).isEqualTo(5);
        assertThat(topic.path("nodes")).hasSize(2);
        JsonNode billing = topic.path("channels").get(0);
        assertThat(billing.path("node").asText()).isEqualTo("*");
        assertThat(billing.path("depth").asLong()).isEqualTo(5);
        assertThat(billing.path("nodes")).hasSize(2);
        assertThat(topic.path("e2e_processing_latency").toString())
                .isEqualTo("{\"count\":0,\"percentiles\":null,\"topic\":\"orders\",\"channel\":\"\",\"host\":\"*\"}");

        JsonNode channel = api("/api/topics/orders/billing");
        assertThat(fieldNames(channel)).containsExactly("node", "hostname", "topic_name", "channel_name", "depth",
                "memory_depth", "backend_depth", "in_flight_count", "deferred_count", "requeue_count", "timeout_count",
                "message_count", "client_count", "nodes", "clients", "paused", "e2e_processing_latency", "message");
        assertThat(channel.path("clients").isArray()).isTrue();

        JsonNode nodes = api("/api/nodes");
        assertThat(nodes.path("nodes")).hasSize(2);
        assertThat(fieldNames(nodes.path("nodes").get(0))).containsExactly("remote_addresses", "remote_address", "hostname",
                "broadcast_address", "tcp_port", "http_port", "version", "topics", "out_of_date");
        assertThat(nodes.path("nodes").get(0).path("topics").get(0).toString())
                .isEqualTo("{\"topic\":\"orders\",\"tombstoned\":false}");

        JsonNode one = api("/api/nodes/" + node(a));
        assertThat(one.path("total_messages").asLong()).isEqualTo(3);
        assertThat(fieldNames(one)).containsExactly("node", "topics", "total_messages", "total_clients", "message");

        JsonNode counter = api("/api/counter");
        assertThat(counter.path("stats").path("orders:billing:" + node(a)).toString()).isEqualTo(
                "{\"node\":\"" + node(a) + "\",\"topic_name\":\"orders\",\"channel_name\":\"billing\",\"message_count\":3}");
        assertThat(send("GET", "/config/nsqlookupd_http_addresses", null).body()).isEqualTo("[\"" + lookupd.httpAddress() + "\"]");
    }

    @Test
    void unknownTopicsChannelsAndNodesAnswerLikeNsqadmin() throws Exception {
        HttpResponse<String> missing = send("GET", "/api/topics/nope", null);
        assertThat(missing.statusCode()).isEqualTo(502);
        assertThat(missing.body()).isEqualTo("{\"message\":\"UPSTREAM_ERROR: failed to query any nsqlookupd: got response 404 "
                + "Not Found \\\"{\\\\\\\"message\\\\\\\":\\\\\\\"TOPIC_NOT_FOUND\\\\\\\"}\\\"\"}");
        assertThat(send("GET", "/api/nodes/127.0.0.1:1", null).body()).isEqualTo("{\"message\":\"NODE_NOT_FOUND\"}");
        assertThat(send("GET", "/api/topics/orders/nope", null).statusCode()).isEqualTo(404);
        assertThat(send("POST", "/api/topics", "{\"topic\":\"bad topic!\"}").body()).isEqualTo("{\"message\":\"INVALID_TOPIC\"}");
        assertThat(send("POST", "/api/topics/orders", "{\"action\":\"explode\"}").body()).isEqualTo("{\"message\":\"INVALID_ACTION\"}");
        assertThat(send("GET", "/topics/nope", null).statusCode()).isEqualTo(502);
    }

    @Test
    void everyPageRendersWithTheClustersNames() throws Exception {
        assertThat(page("/")).contains("<h1>Streams</h1>", "/topics/orders");
        assertThat(page("/topics/orders")).contains("Topic <code>orders</code>", "billing", node(a), node(b), "Pause topic");
        assertThat(page("/topics/orders/billing")).contains("Channel <code>billing</code>", "Clients", "Pause channel");
        assertThat(page("/nodes")).contains("NSQd Nodes <span id=\"node-count\">(2)</span>", "/nodes/" + node(a), "/nodes/" + node(b));
        assertThat(page("/nodes/" + node(b))).contains("NSQd <code>" + node(b) + "</code>", "billing");
        assertThat(page("/counter")).contains("Messages processed", "id=\"counter\"");
        assertThat(page("/lookup")).contains("<h1>Lookup</h1>", "orders", "billing", "Create a topic or channel");
        assertThat(page("/confirm?action=empty&topic=orders&channel=billing&back=/topics/orders/billing"))
                .contains("Are you sure?", "Empty channel <code>orders/billing</code>?");
        assertThat(send("GET", "/static/admin.css", null).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/static/htmx.min.js", null).body()).contains("htmx");
    }

    @Test
    void pageActionsPauseEmptyCreateAndDeleteOnTheBrokers() throws Exception {
        http("POST", a.http(), "/topic/create?topic=acts", null);
        http("POST", a.http(), "/channel/create?topic=acts&channel=c", null);
        http("POST", a.http(), "/mpub?topic=acts", "1\n2");
        await(() -> get(lookupd.http(), "/lookup?topic=acts").contains("\"c\""), "lookupd knows acts/c");

        HttpResponse<String> paused = form("/act", "action=pause&topic=acts&channel=c&back=/topics/acts/c");
        assertThat(paused.statusCode()).isEqualTo(303);
        assertThat(paused.headers().firstValue("Location")).hasValue("/topics/acts/c?result=Paused+channel+acts%2Fc");
        assertThat(channelOn(a, "acts", "c").path("paused").asBoolean()).isTrue();
        assertThat(page("/topics/acts/c?result=Paused+channel+acts%2Fc")).contains("Paused channel acts/c", "Unpause channel");

        form("/act", "action=empty&topic=acts&channel=c&back=/topics/acts/c");
        assertThat(channelOn(a, "acts", "c").path("depth").asLong()).isZero();

        form("/act", "action=publish&topic=acts&message=from+the+console&back=/topics/acts");
        assertThat(channelOn(a, "acts", "c").path("depth").asLong()).isEqualTo(1);

        HttpResponse<String> created = form("/lookup", "topic=fresh_topic&channel=fresh_channel");
        assertThat(created.headers().firstValue("Location").orElse("")).contains("Created+topic+fresh_topic");
        assertThat(get(lookupd.http(), "/channels?topic=fresh_topic")).isEqualTo("{\"channels\":[\"fresh_channel\"]}");
        assertThat(form("/lookup", "topic=no+spaces").headers().firstValue("Location").orElse("")).contains("INVALID_TOPIC");

        form("/act", "action=delete&topic=acts&back=/topics/acts");
        await(() -> !get(a.http(), "/stats?format=json").contains("\"acts\""), "topic deleted on the broker");
        await(() -> notified.stream().anyMatch(n -> n.path("action").asText().equals("delete_topic")), "delete notified");
        JsonNode pause = notified.stream().filter(n -> n.path("action").asText().equals("pause_channel")).findFirst().orElseThrow();
        assertThat(fieldNames(pause)).containsExactly("action", "topic", "channel", "timestamp", "remote_ip", "user_agent", "url", "via");
        assertThat(pause.path("topic").asText()).isEqualTo("acts");
    }

    @Test
    void apiActionsAndTombstones() throws Exception {
        assertThat(send("POST", "/api/topics", "{\"topic\":\"api_t\",\"channel\":\"api_c\"}").body()).isEqualTo("{\"message\":\"\"}");
        assertThat(get(lookupd.http(), "/channels?topic=api_t")).isEqualTo("{\"channels\":[\"api_c\"]}");
        assertThat(send("POST", "/api/topics/orders", "{\"action\":\"pause\"}").body()).isEqualTo("{\"message\":\"\"}");
        assertThat(get(a.http(), "/stats?format=json&topic=orders")).contains("\"paused\":true");
        assertThat(get(b.http(), "/stats?format=json&topic=orders")).contains("\"paused\":true");
        assertThat(send("POST", "/api/topics/orders", "{\"action\":\"unpause\"}").statusCode()).isEqualTo(200);
        // tombstoning a node's topic also deletes it on that node, as nsqadmin does (its own topic: orders stays whole)
        for (Server s : List.of(a, b)) {
            http("POST", s.http(), "/topic/create?topic=api_tomb", null);
            http("POST", s.http(), "/pub?topic=api_tomb", "kept on a");
        }
        await(() -> get(lookupd.http(), "/lookup?topic=api_tomb").split("\"tcp_port\"").length == 3, "lookupd knows api_tomb on both");
        assertThat(send("DELETE", "/api/nodes/" + node(b), "{\"topic\":\"api_tomb\"}").body()).isEqualTo("{\"message\":\"\"}");
        assertThat(get(b.http(), "/stats?format=json&topic=api_tomb")).doesNotContain("\"api_tomb\"");
        assertThat(get(a.http(), "/stats?format=json&topic=api_tomb")).contains("\"api_tomb\"");
        await(() -> get(lookupd.http(), "/lookup?topic=api_tomb").split("\"tcp_port\"").length == 2, "lookupd lists only a");
        assertThat(get(lookupd.http(), "/lookup?topic=api_tomb")).contains("\"http_port\":" + a.http());
    }

    @Test
    void adminUsersAloneMayActWhenConfigured() throws Exception {
        int port = freePort();
        bin.run(null, "nsqadmin", "--http-address=127.0.0.1:" + port, "--lookupd-http-address=" + lookupd.httpAddress(),
                "--admin-user=alice", "--acl-http-header=X-User");
        await(() -> get(port, "/ping").equals("OK"), "second nsqadmin up");
        HttpResponse<String> anonymous = AdminCluster.send(port, "POST", "/api/topics/orders", "{\"action\":\"pause\"}");
        assertThat(anonymous.statusCode()).isEqualTo(403);
        assertThat(anonymous.body()).isEqualTo("{\"message\":\"FORBIDDEN\"}");
        HttpResponse<String> bob = AdminCluster.send(port, "POST", "/act", "action=pause&topic=orders&back=/topics/orders",
                "X-User", "bob", "Content-Type", "application/x-www-form-urlencoded");
        assertThat(bob.headers().firstValue("Location").orElse("")).contains("FORBIDDEN");
        assertThat(get(a.http(), "/stats?format=json&topic=orders")).doesNotContain("\"paused\":true");
        HttpResponse<String> alice = AdminCluster.send(port, "POST", "/api/topics/orders/billing", "{\"action\":\"unpause\"}",
                "X-User", "alice");
        assertThat(alice.statusCode()).isEqualTo(200);
        String asBob = AdminCluster.send(port, "GET", "/topics/orders", null, "X-User", "bob").body();
        assertThat(asBob).contains("Topic <code>orders</code>").doesNotContain("Pause topic");
    }

    @Test
    void readsNsqdsDirectlyAndReportsADownNodeAsAWarning() throws Exception {
        int port = freePort();
        int dead = freePort();
        bin.run(null, "nsqadmin", "--http-address=127.0.0.1:" + port, "--nsqd-http-address=" + node(a),
                "--nsqd-http-address=127.0.0.1:" + dead);
        await(() -> get(port, "/ping").equals("OK"), "direct nsqadmin up");
        JsonNode topics = JSON.readTree(get(port, "/api/topics"));
        assertThat(topics.path("topics").toString()).contains("orders");
        assertThat(topics.path("message").asText()).startsWith("WARNING: ").contains("127.0.0.1:" + dead);
        assertThat(JSON.readTree(get(port, "/api/topics/orders")).path("message_count").asLong()).isEqualTo(3);
        assertThat(get(port, "/topics/orders")).contains("class=\"warning\"", "127.0.0.1:" + dead);
    }

    @Test
    void badFlagsExitTwo() throws Exception {
        Run none = bin.run(null, "nsqadmin");
        assertThat(none.exitCode()).isEqualTo(2);
        assertThat(none.errors()).contains("--nsqd-http-address or --lookupd-http-address required");
        Run both = bin.run(null, "nsqadmin", "--nsqd-http-address=127.0.0.1:1", "--lookupd-http-address=127.0.0.1:2");
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.errors()).contains("use --nsqd-http-address or --lookupd-http-address not both");
        Run unknown = bin.run(null, "nsqadmin", "--no-such-flag");
        assertThat(unknown.exitCode()).isEqualTo(2);
    }

    private static String page(String path) throws Exception {
        HttpResponse<String> r = send("GET", path, null);
        assertThat(r.statusCode()).as(path).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        return r.body();
    }

    private static HttpResponse<String> form(String path, String body) throws Exception {
        return cluster.form(path, body);
    }

    private static List<String> fieldNames(JsonNode n) {
        List<String> names = new java.util.ArrayList<>();
        n.fieldNames().forEachRemaining(names::add);
        return names;
    }

}
