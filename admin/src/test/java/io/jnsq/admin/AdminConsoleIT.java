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
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URLDecoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the console shows beyond nsqadmin, over HTTP against bin/nsqadmin, a bin/nsqlookupd and two bin/nsqd: clients
 * identified, a node that does not answer marked on every page that sums, readable figures, channel backlog, topic
 * names on Nodes, inactive topics deleted from Lookup, the audit log, message peek (refused cleanly by an nsqd without
 * it), graphs from nsqadmin's samples and from Prometheus, and pages that send their frame first to browsers.
 */
class AdminConsoleIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;

    static AdminCluster cluster;
    static RealProcesses bin;
    static Server lookupd;
    static Server a;
    static Server b;
    static int admin;
    static Run adminRun;
    static HttpServer prometheus;
    static final List<String> promQueries = new CopyOnWriteArrayList<>();
    static HttpServer oldNsqd;

    @BeforeAll
    static void cluster() throws Exception {
        prometheus = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        prometheus.createContext("/api/v1/query_range", ex -> {
            promQueries.add(URLDecoder.decode(ex.getRequestURI().getRawQuery(), StandardCharsets.UTF_8));
            AdminCluster.answerJson(ex, "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[{\"metric\":{},"
                    + "\"values\":[[1700000000,\"1\"],[1700000060,\"2500\"],[1700000120,\"NaN\"],[1700000180,\"1234567\"]]}]}}");
        });
        prometheus.start();
        cluster = AdminCluster.start(tmp, "shop", "mail", "--http-client-request-timeout=1s");
        bin = cluster.bin;
        lookupd = cluster.lookupd;
        a = cluster.a;
        b = cluster.b;
        admin = cluster.admin;
        adminRun = cluster.adminRun;
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 1234; i++) {
            many.append("order ").append(i).append('\n');
        }
        http("POST", a.http(), "/mpub?topic=shop", many.toString());
        http("POST", b.http(), "/mpub?topic=shop", "b1\nb2");
        cluster.awaitOnBoth("shop");
    }

    @AfterAll
    static void stop() {
        prometheus.stop(0);
        if (oldNsqd != null) {
            oldNsqd.stop(0);
        }
        cluster.close();
    }

    private static HttpResponse<String> send(int port, String method, String path, String body, String... headers) throws Exception {
        return AdminCluster.send(port, method, path, body, headers);
    }

    private static String page(int port, String path) throws Exception {
        return AdminCluster.page(port, path);
    }

    private static String page(String path) throws Exception {
        return cluster.page(path);
    }

    private static String node(Server s) {
        return AdminCluster.node(s);
    }

    /** A consumer that identifies itself, subscribed with RDY 0 (it takes nothing). */
    private static Socket consumer(Server s, String topic, String channel, String identify) throws IOException {
        Socket socket = new Socket("127.0.0.1", s.tcp());
        socket.setSoTimeout(5000);
        DataOutputStream out = new DataOutputStream(socket.getOutputStream());
        DataInputStream in = new DataInputStream(socket.getInputStream());
        out.write("  V2".getBytes(StandardCharsets.US_ASCII));
        byte[] body = identify.getBytes(StandardCharsets.UTF_8);
        out.write("IDENTIFY\n".getBytes(StandardCharsets.US_ASCII));
        out.writeInt(body.length);
        out.write(body);
        out.write(("SUB " + topic + " " + channel + "\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        for (int i = 0; i < 2; i++) { // IDENTIFY's answer, then SUB's OK
            byte[] frame = new byte[in.readInt()];
            in.readFully(frame);
        }
        return socket;
    }

    @Test
    void clientsAreIdentifiedOnTheChannelPageAndUnderTheirChannelOnTheNodePage() throws Exception {
        try (Socket c = consumer(a, "shop", "mail", "{\"client_id\":\"mailer-7\",\"hostname\":\"mail-host.example\","
                + "\"user_agent\":\"mailer/2.1 go-nsq/1.1.0\"}")) {
            String remote = "127.0.0.1:" + c.getLocalPort();
            await(() -> http("GET", admin, "/topics/shop/mail", null).contains("mailer-7"), "the channel page lists the consumer");
            assertThat(page("/topics/shop/mail")).contains("<td>mailer-7</td>", "<td>mail-host.example</td>", "<td>" + remote + "</td>",
                    "<td>mailer/2.1 go-nsq/1.1.0</td>", "<th>Client ID</th>");
            assertThat(page("/nodes/" + node(a))).contains("<td>mailer-7</td><td>mail-host.example</td><td>" + remote
                    + "</td><td>mailer/2.1 go-nsq/1.1.0</td>");
        }
    }

    @Test
    void figuresHaveThousandsSeparatorsTheTopicListShowsChannelBacklogAndNodesNameTheirTopics() throws Exception {
        assertThat(page("/topics/shop")).contains("<td class=\"num\">1,236</td>"); // the channel's depth over both nodes
        // the topic list reads the sampler's figures: the topic holds nothing itself, its channel 1,236
        await(() -> http("GET", admin, "/topics", null).matches("(?s).*href=\"/topics/shop\">shop</a>\\s*</td>\\s*"
                + "<td class=\"num\">0</td>\\s*<td class=\"num\">1,236</td>\\s*<td class=\"num\">1,236</td>.*"), "shop's row with its backlog");
        assertThat(page("/topics")).contains("Channel backlog");
        assertThat(page("/nodes")).contains("<a class=\"tag\" href=\"/topics/shop\">shop</a>");
    }

    @Test
    void tombstoningATopicOnANodeDeletesItThereAndTheActionIsAudited() throws Exception {
        for (Server s : List.of(a, b)) {
            http("POST", s.http(), "/topic/create?topic=retired", null);
            http("POST", s.http(), "/pub?topic=retired", "left behind");
        }
        await(() -> get(lookupd.http(), "/lookup?topic=retired").split("\"tcp_port\"").length == 3, "lookupd knows retired on both");
        HttpResponse<String> r = cluster.form("/act", "action=tombstone&topic=retired&node=" + node(b) + "&back=/topics/retired",
                "X-Forwarded-User", "carol");
        assertThat(r.statusCode()).isEqualTo(303);
        assertThat(r.headers().firstValue("Location").orElse("")).contains("Tombstoned+topic+retired+on+" + node(b).replace(":", "%3A"));
        assertThat(get(b.http(), "/stats?format=json")).doesNotContain("\"retired\"");
        assertThat(get(a.http(), "/stats?format=json")).contains("\"retired\"");
        await(() -> {
            try {
                return adminRun.output().contains("carol@127.0.0.1");
            } catch (IOException e) {
                return false;
            }
        }, "the audit log names carol");
        assertThat(adminRun.output()).containsPattern("carol@127\\.0\\.0\\.1:\\d+ tombstone_topic_producer topic=retired node="
                + node(b).replace(".", "\\.") + ": OK");
    }

    @Test
    void inactiveTopicsAndChannelsAreDeletedFromTheLookupPage() throws Exception {
        http("POST", lookupd.http(), "/topic/create?topic=ghost", null);
        http("POST", lookupd.http(), "/channel/create?topic=ghost&channel=echo", null);
        String lookup = page("/lookup");
        assertThat(lookup).contains("<input type=\"hidden\" name=\"topic\" value=\"ghost\"><input type=\"hidden\" name=\"channel\" value=\"echo\">");
        HttpResponse<String> channel = cluster.form("/act", "action=delete&topic=ghost&channel=echo&back=/lookup");
        assertThat(channel.headers().firstValue("Location")).hasValue("/lookup?result=Deleted+channel+ghost%2Fecho");
        assertThat(get(lookupd.http(), "/channels?topic=ghost")).isEqualTo("{\"channels\":[]}");
        HttpResponse<String> topic = cluster.form("/act", "action=delete&topic=ghost&back=/lookup");
        assertThat(topic.headers().firstValue("Location").orElse("")).startsWith("/lookup?result=Deleted+topic+ghost");
        assertThat(get(lookupd.http(), "/topics")).doesNotContain("ghost");
        assertThat(adminRun.output()).contains("delete_channel topic=ghost channel=echo: OK", "delete_topic topic=ghost: OK");
    }

    @Test
    void peekShowsTheNextMessagesOfEachNodeAndTakesNone() throws Exception {
        http("POST", a.http(), "/topic/create?topic=peeked", null);
        http("POST", a.http(), "/channel/create?topic=peeked&channel=p", null);
        http("POST", a.http(), "/mpub?topic=peeked", "first <b>\nsecond");
        await(() -> get(lookupd.http(), "/lookup?topic=peeked").contains("tcp_port"), "lookupd knows peeked");
        JsonNode api = JSON.readTree(page("/api/topics/peeked/p/peek?n=1"));
        assertThat(api.path("nodes")).hasSize(1);
        assertThat(api.path("nodes").get(0).path("node").asText()).isEqualTo(node(a));
        assertThat(api.path("nodes").get(0).path("messages")).hasSize(1);
        assertThat(api.path("nodes").get(0).path("messages").get(0).path("body").asText()).isEqualTo("first <b>");
        assertThat(page("/topics/peeked/p/peek")).contains("first &lt;b&gt;", "second", "Next messages of");
        assertThat(get(a.http(), "/stats?format=json&topic=peeked&channel=p")).contains("\"depth\":2", "\"in_flight_count\":0");
        assertThat(send(admin, "GET", "/api/topics/peeked/p/peek?n=0", null).statusCode()).isEqualTo(400);
    }

    @Test
    void peekShowsMessagesWaitingOnDiskAfterThoseInMemory() throws Exception {
        Server small = bin.nsqdWith(lookupd, "--mem-queue-size=1");
        http("POST", small.http(), "/topic/create?topic=spilled", null);
        http("POST", small.http(), "/channel/create?topic=spilled&channel=p", null);
        http("POST", small.http(), "/mpub?topic=spilled", "in memory\non disk 1\non disk 2");
        assertThat(get(small.http(), "/stats?format=json&topic=spilled&channel=p")).contains("\"depth\":3", "\"backend_depth\":2");
        await(() -> get(lookupd.http(), "/lookup?topic=spilled").contains("tcp_port"), "lookupd knows spilled");
        JsonNode node = JSON.readTree(page("/api/topics/spilled/p/peek")).path("nodes").get(0);
        assertThat(node.path("depth").asLong()).isEqualTo(3);
        assertThat(node.path("messages").findValuesAsText("body")).containsExactly("in memory", "on disk 1", "on disk 2");
        assertThat(page("/topics/spilled/p/peek")).containsSubsequence("in memory", "on disk 1", "on disk 2")
                .contains("memory first, then the disk backlog");
        assertThat(get(small.http(), "/stats?format=json&topic=spilled&channel=p")).contains("\"depth\":3", "\"in_flight_count\":0");
    }

    @Test
    void peekSaysCleanlyWhenAnNsqdDoesNotOfferIt() throws Exception {
        // an nsqd without jnsq's extension: NSQ's 404 for an unknown path
        oldNsqd = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        int port = oldNsqd.getAddress().getPort();
        oldNsqd.createContext("/", ex -> {
            String path = ex.getRequestURI().getPath();
            String body = switch (path) {
                case "/info" -> "{\"version\":\"1.3.0\",\"broadcast_address\":\"127.0.0.1\",\"hostname\":\"real-nsqd\",\"http_port\":"
                        + port + ",\"tcp_port\":1,\"start_time\":1}";
                case "/stats" -> "{\"version\":\"1.3.0\",\"health\":\"OK\",\"start_time\":1,\"topics\":[{\"topic_name\":\"legacy\","
                        + "\"channels\":[{\"channel_name\":\"c\",\"depth\":1,\"backend_depth\":0,\"in_flight_count\":0,"
                        + "\"deferred_count\":0,\"message_count\":1,\"requeue_count\":0,\"timeout_count\":0,\"client_count\":0,"
                        + "\"clients\":[],\"paused\":false,\"e2e_processing_latency\":{\"count\":0,\"percentiles\":null}}],"
                        + "\"depth\":0,\"backend_depth\":0,\"message_count\":1,\"message_bytes\":1,\"paused\":false,"
                        + "\"e2e_processing_latency\":{\"count\":0,\"percentiles\":null}}],\"producers\":[]}";
                default -> null;
            };
            AdminCluster.answerJson(ex, body);
        });
        oldNsqd.start();
        int direct = freePort();
        bin.run(null, "nsqadmin", "--http-address=127.0.0.1:" + direct, "--nsqd-http-address=127.0.0.1:" + port);
        await(() -> get(direct, "/ping").equals("OK"), "direct nsqadmin up");
        JsonNode api = JSON.readTree(page(direct, "/api/topics/legacy/c/peek"));
        assertThat(api.path("nodes").get(0).path("unsupported").asBoolean()).isTrue();
        assertThat(api.path("nodes").get(0).path("problem").asText()).contains("does not offer peeking");
        assertThat(page(direct, "/topics/legacy/c/peek")).contains("does not offer peeking").doesNotContain("class=\"warning peek-problem\"");
    }

    @Test
    void aNodeThatDoesNotAnswerIsMarkedOnEveryPageThatSums() throws Exception {
        Server c = bin.nsqdWith(lookupd);
        http("POST", c.http(), "/topic/create?topic=shop", null);
        http("POST", c.http(), "/channel/create?topic=shop&channel=mail", null);
        await(() -> get(lookupd.http(), "/lookup?topic=shop").split("\"tcp_port\"").length == 4, "lookupd knows shop on c");
        page("/topics"); // starts the sampler
        long pid = c.process().pid();
        new ProcessBuilder("kill", "-STOP", Long.toString(pid)).start().waitFor();
        try {
            // registered with lookupd, but its HTTP does not answer
            String topic = page("/topics/shop");
            assertThat(topic).contains(node(c) + " <span class=\"badge down\">not answering</span>", "class=\"warning\"", "left out of the totals");
            assertThat(page("/topics/shop/mail")).contains(node(c) + " <span class=\"badge down\">not answering</span>");
            await(() -> http("GET", admin, "/topics", null).contains("totals leave out the nodes that did not answer"), "the topic list warns");
            assertThat(page("/topics")).contains(node(c));
            assertThat(page("/counter")).contains("totals leave out the nodes that did not answer");
            assertThat(page("/nodes")).containsPattern("href=\"/nodes/" + node(c).replace(".", "\\.") + "\">[^<]*</a> <span class=\"badge down\"");
        } finally {
            new ProcessBuilder("kill", "-CONT", Long.toString(pid)).start().waitFor();
        }
    }

    @Test
    void graphsComeFromTheSamplesOrFromPrometheus() throws Exception {
        assertThat(page("/topics/shop/mail")).contains("<h2>Graphs <span class=\"muted\">sampled every 5 s");
        int withPrometheus = freePort();
        bin.run(null, "nsqadmin", "--http-address=127.0.0.1:" + withPrometheus, "--lookupd-http-address=" + lookupd.httpAddress(),
                "--prometheus-url=http://127.0.0.1:" + prometheus.getAddress().getPort() + "/");
        await(() -> get(withPrometheus, "/ping").equals("OK"), "nsqadmin with Prometheus up");
        String channel = page(withPrometheus, "/topics/shop/mail");
        assertThat(channel).contains("from Prometheus, last hour", "Messages/s: <strong>1,234,567</strong>", "max 1,234,567", "<polyline");
        assertThat(promQueries).anyMatch(q -> q.contains("query=sum(rate(nsq_channel_messages_total{topic=\"shop\",channel=\"mail\"}[2m]))")
                && q.contains("step=60"));
        assertThat(promQueries).anyMatch(q -> q.contains("sum(nsq_channel_depth{topic=\"shop\",channel=\"mail\"})"));
        assertThat(page(withPrometheus, "/topics/shop")).contains("from Prometheus, last hour", "Channel backlog");
        assertThat(promQueries).anyMatch(q -> q.contains("sum(nsq_topic_depth{topic=\"shop\"})"));
    }

    @Test
    void browsersGetTheFrameAtOnceAndOtherClientsTheWholePage() throws Exception {
        String frame = send(admin, "GET", "/topics/shop", null, "Accept", "text/html,application/xhtml+xml").body();
        assertThat(frame).contains("Topic <code>shop</code>", "hx-trigger=\"load\"", "Loading…",
                "<noscript><meta http-equiv=\"refresh\" content=\"0; url=/topics/shop?full=1\"></noscript>")
                .doesNotContain("Topic message queue");
        String filled = send(admin, "GET", "/topics/shop", null, "Accept", "text/html", "HX-Request", "true").body();
        assertThat(filled).contains("Topic message queue", "hx-trigger=\"every 5s\"").doesNotContain("Loading…");
        assertThat(send(admin, "GET", "/topics/shop?full=1", null, "Accept", "text/html").body()).contains("Topic message queue");
        assertThat(page("/topics/shop")).contains("Topic message queue").doesNotContain("<noscript>");
    }
}
