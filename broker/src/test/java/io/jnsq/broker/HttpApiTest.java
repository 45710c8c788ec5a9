package io.jnsq.broker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** nsqd's HTTP API over real HTTP, checked against the responses of nsqd v1.3.0 (reference/nsq-v1.3.0/nsqd_*.http). */
@QuarkusTest
class HttpApiTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource("/")
    URL base;

    @Inject
    Nsqd nsqd;

    private HttpResponse<String> send(String method, String path, byte[] body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base.toString().replaceAll("/$", "") + path));
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return send("POST", path, body == null ? null : body.getBytes());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return send("GET", path, null);
    }

    private static void assertNsqError(HttpResponse<String> r, int status, String message) {
        assertThat(r.statusCode()).isEqualTo(status);
        assertThat(r.body()).isEqualTo("{\"message\":\"" + message + "\"}");
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
        assertThat(r.headers().firstValue("X-Nsq-Content-Type")).hasValue("nsq; version=1.0");
    }

    @Test
    void pubAnswersOkAsPlainText() throws Exception {
        HttpResponse<String> r = post("/pub?topic=http_pub", "hello");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("OK");
        assertThat(r.headers().firstValue("Content-Type")).hasValue("text/plain; charset=utf-8");
        assertThat(r.headers().firstValue("X-Nsq-Content-Type")).hasValue("nsq; version=1.0");
        assertThat(nsqd.existingTopic("http_pub").stats(null, false).messageCount()).isEqualTo(1);
    }

    @Test
    void legacyPutAndCreateNamesWork() throws Exception {
        assertThat(post("/put?topic=legacy", "hello world 1").body()).isEqualTo("OK");
        assertThat(send("GET", "/create_channel?topic=legacy&channel=c", null).statusCode()).isEqualTo(200);
        assertThat(nsqd.existingTopic("legacy").existingChannel("c")).isNotNull();
        assertThat(post("/mput?topic=legacy", "a\nb").body()).isEqualTo("OK");
        // the /put message was held by the channel-less topic and handed to c, then the two from /mput (stored by the
        // broker's storage thread: waited for, not assumed)
        Channel c = nsqd.existingTopic("legacy").existingChannel("c");
        long deadline = System.currentTimeMillis() + 10_000;
        while (c.depth() != 3 && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertThat(c.depth()).isEqualTo(3);
    }

    @Test
    void legacyNamesAnswerAWrongMethodWith405LikeTheCurrentNames() throws Exception {
        // the methods nsqd v0.3.8 routed them for (v1.3.0 dropped them: 404); a wrong one publishes or creates nothing
        HttpResponse<String> put = send("DELETE", "/put?topic=legacy_method", "x".getBytes());
        assertNsqError(put, 405, "METHOD_NOT_ALLOWED");
        assertThat(put.headers().firstValue("Allow")).hasValue("OPTIONS, POST");
        assertNsqError(send("PUT", "/mput?topic=legacy_method", "x".getBytes()), 405, "METHOD_NOT_ALLOWED");
        assertNsqError(send("GET", "/put?topic=legacy_method", null), 405, "METHOD_NOT_ALLOWED");
        HttpResponse<String> head = send("HEAD", "/create_topic?topic=legacy_method", null);
        assertThat(head.statusCode()).isEqualTo(405);
        assertThat(head.headers().firstValue("Allow")).hasValue("GET, OPTIONS, POST");
        for (String path : List.of("/delete_topic", "/empty_topic", "/pause_topic", "/unpause_topic", "/create_channel",
                "/delete_channel", "/empty_channel", "/pause_channel", "/unpause_channel")) {
            assertNsqError(send("PUT", path + "?topic=legacy_method&channel=c", null), 405, "METHOD_NOT_ALLOWED");
        }
        assertThat(nsqd.existingTopic("legacy_method")).isNull();
        assertThat(send("OPTIONS", "/mput", null).headers().firstValue("Allow")).hasValue("OPTIONS, POST");
        assertThat(post("/create_topic?topic=legacy_method", null).statusCode()).isEqualTo(200);
        assertThat(nsqd.existingTopic("legacy_method")).isNotNull();
    }

    @Test
    void publishErrorsMatchNsqd() throws Exception {
        assertNsqError(post("/pub?topic=bad!topic", "x"), 400, "INVALID_TOPIC");
        assertNsqError(post("/pub", "x"), 400, "MISSING_ARG_TOPIC");
        assertNsqError(post("/pub?topic=t", ""), 400, "MSG_EMPTY");
        assertNsqError(post("/pub?topic=t&defer=-1", "x"), 400, "INVALID_DEFER");
        assertNsqError(post("/pub?topic=t&defer=soon", "x"), 400, "INVALID_DEFER");
        assertNsqError(post("/pub?topic=t", "x".repeat(1048577)), 413, "MSG_TOO_BIG");
    }

    @Test
    void unknownPathAndWrongMethodAnswerLikeNsqd() throws Exception {
        assertNsqError(get("/nope"), 404, "NOT_FOUND");
        HttpResponse<String> r = get("/pub?topic=t");
        assertNsqError(r, 405, "METHOD_NOT_ALLOWED");
        assertThat(r.headers().firstValue("Allow")).hasValue("OPTIONS, POST");
    }

    @Test
    void pingAnswersOk() throws Exception {
        HttpResponse<String> r = get("/ping");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("OK");
        assertThat(r.headers().firstValue("Content-Type")).hasValue("text/plain; charset=utf-8");
    }

    @Test
    void infoHasNsqdsFieldsInNsqdsOrder() throws Exception {
        JsonNode info = JSON.readTree(get("/info").body());
        assertThat(names(info)).containsExactly("version", "broadcast_address", "hostname", "http_port", "tcp_port",
                "start_time", "max_heartbeat_interval", "max_output_buffer_size", "max_output_buffer_timeout",
                "max_deflate_level");
        assertThat(info.get("version").asText()).isEqualTo("1.3.0");
        assertThat(info.get("max_heartbeat_interval").asLong()).isEqualTo(60_000_000_000L);
        assertThat(info.get("http_port").asInt()).isEqualTo(base.getPort());
    }

    @Test
    void topicAndChannelActionsAnswerEmptyOkOrNsqdsErrors() throws Exception {
        HttpResponse<String> created = post("/topic/create?topic=actions", null);
        assertThat(created.statusCode()).isEqualTo(200);
        assertThat(created.body()).isEmpty();
        assertThat(created.headers().firstValue("Content-Type")).isEmpty();
        assertThat(post("/channel/create?topic=actions&channel=c1", null).statusCode()).isEqualTo(200);
        assertNsqError(post("/channel/create?topic=actions", null), 400, "MISSING_ARG_CHANNEL");
        assertNsqError(post("/channel/create?topic=nosuch&channel=c", null), 404, "TOPIC_NOT_FOUND");
        assertNsqError(post("/channel/empty?topic=actions&channel=nosuch", null), 404, "CHANNEL_NOT_FOUND");
        assertNsqError(post("/topic/delete?topic=nosuch", null), 404, "TOPIC_NOT_FOUND");

        assertThat(post("/topic/pause?topic=actions", null).statusCode()).isEqualTo(200);
        assertThat(nsqd.existingTopic("actions").isPaused()).isTrue();
        assertThat(post("/topic/unpause?topic=actions", null).statusCode()).isEqualTo(200);
        assertThat(nsqd.existingTopic("actions").isPaused()).isFalse();
        assertThat(post("/channel/pause?topic=actions&channel=c1", null).statusCode()).isEqualTo(200);
        assertThat(nsqd.existingTopic("actions").existingChannel("c1").isPaused()).isTrue();

        post("/pub?topic=actions", "x");
        assertThat(post("/channel/empty?topic=actions&channel=c1", null).statusCode()).isEqualTo(200);
        assertThat(nsqd.existingTopic("actions").existingChannel("c1").depth()).isZero();
        assertThat(post("/channel/delete?topic=actions&channel=c1", null).statusCode()).isEqualTo(200);
        assertThat(nsqd.existingTopic("actions").existingChannel("c1")).isNull();
        assertThat(post("/topic/delete?topic=actions", null).statusCode()).isEqualTo(200);
        assertThat(nsqd.existingTopic("actions")).isNull();
    }

    @Test
    void mpubSplitsLinesOrReadsBinaryBodies() throws Exception {
        post("/channel/create?topic=mpub_t&channel=c", null);
        post("/topic/create?topic=mpub_t", null);
        post("/channel/create?topic=mpub_t&channel=c", null);
        assertThat(post("/mpub?topic=mpub_t", "one\ntwo\n\nthree").body()).isEqualTo("OK");
        assertThat(nsqd.existingTopic("mpub_t").existingChannel("c").depth()).isEqualTo(3);
        byte[] binary = ByteBuffer.allocate(4 + 4 + 3 + 4 + 1).putInt(2).putInt(3).put("a\nb".getBytes()).putInt(1)
                .put((byte) 'c').array();
        assertThat(send("POST", "/mpub?topic=mpub_t&binary=true", binary).body()).isEqualTo("OK");
        assertThat(nsqd.existingTopic("mpub_t").existingChannel("c").depth()).isEqualTo(5);
        assertNsqError(send("POST", "/mpub?topic=mpub_t&binary=true", new byte[] {0, 0, 0, 0}), 413, "BAD_BODY");
    }

    @Test
    void bodiesSentAsFormsAreReadRawLikeCurlDashDSendsThem() throws Exception {
        post("/topic/create?topic=form_t", null);
        post("/channel/create?topic=form_t&channel=c", null);
        String line = "topic=other&x=" + "y".repeat(1000);
        String body = String.join("\n", java.util.Collections.nCopies(300, line));
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base.toString().replaceAll("/$", "") + "/mpub?topic=form_t"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("OK");
        assertThat(nsqd.existingTopic("form_t").existingChannel("c").depth()).isEqualTo(300);
        assertThat(nsqd.existingTopic("other")).as("the form's fields are not parameters").isNull();
    }

    @Test
    void statsJsonHasNsqdsShape() throws Exception {
        post("/topic/create?topic=shape", null);
        post("/channel/create?topic=shape&channel=c1", null);
        JsonNode stats = JSON.readTree(get("/stats?format=json&topic=shape").body());
        assertThat(names(stats)).containsExactly("version", "health", "start_time", "topics", "memory", "producers");
        JsonNode topic = stats.get("topics").get(0);
        assertThat(names(topic)).containsExactly("topic_name", "channels", "depth", "backend_depth", "message_count",
                "message_bytes", "paused", "e2e_processing_latency");
        assertThat(names(topic.get("channels").get(0))).containsExactly("channel_name", "depth", "backend_depth",
                "in_flight_count", "deferred_count", "message_count", "requeue_count", "timeout_count", "client_count",
                "clients", "paused", "e2e_processing_latency");
        assertThat(topic.get("e2e_processing_latency").toString()).isEqualTo("{\"count\":0,\"percentiles\":null}");
        assertThat(stats.get("producers").isNull()).isTrue();

        JsonNode noMem = JSON.readTree(get("/stats?format=json&include_mem=false&topic=shape").body());
        assertThat(noMem.has("memory")).isFalse();
        JsonNode oneChannel = JSON.readTree(get("/stats?format=json&topic=shape&channel=nosuch").body());
        assertThat(oneChannel.get("topics").get(0).get("channels")).isEmpty();
    }

    @Test
    void statsTextStartsLikeNsqds() throws Exception {
        post("/topic/create?topic=texty", null);
        String text = get("/stats").body();
        assertThat(text).startsWith("nsqd v1.3.0 (built w/jnsq ");
        assertThat(text).contains("\nHealth: OK\n").contains("\nMemory:\n   heap_objects             \t")
                .contains("\n   [texty          ] depth: 0     be-depth: 0     msgs: 0        e2e%: \n")
                .endsWith("\nProducers: None\n");
    }

    @Test
    void configReadsAndChangesLookupdsAndLogLevel() throws Exception {
        assertThat(get("/config/nsqlookupd_tcp_addresses").body()).isEqualTo("[]");
        HttpResponse<String> put = send("PUT", "/config/nsqlookupd_tcp_addresses", "[\"127.0.0.1:4160\"]".getBytes());
        assertThat(put.body()).isEqualTo("[\"127.0.0.1:4160\"]");
        assertThat(get("/config/log_level").body()).isEqualTo("2");
        assertThat(get("/config/mem_queue_size").body()).isEqualTo("100");
        assertNsqError(get("/config/no_such_option"), 400, "INVALID_OPTION");
        assertNsqError(send("PUT", "/config/log_level", "loud".getBytes()), 400, "INVALID_VALUE");
        send("PUT", "/config/nsqlookupd_tcp_addresses", "[]".getBytes());
    }

    private static List<String> names(JsonNode n) {
        List<String> out = new ArrayList<>();
        Iterator<String> it = n.fieldNames();
        it.forEachRemaining(out::add);
        return out;
    }
}
