package io.jnsq.broker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jnsq.protocol.Message;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code GET /channel/peek}: the next messages of a channel, shown without being taken. */
@QuarkusTest
class MessagePeekTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource("/")
    URL base;

    @Inject
    TcpServer tcp;

    private HttpResponse<String> send(String method, String path, byte[] body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base.toString().replaceAll("/$", "") + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void peekShowsTheNextMessagesInOrderAndLeavesThemQueued() throws Exception {
        send("POST", "/topic/create?topic=peeked", null);
        send("POST", "/channel/create?topic=peeked&channel=c", null);
        send("POST", "/mpub?topic=peeked", "first\nsecond\nthird".getBytes());
        send("POST", "/pub?topic=peeked", new byte[] {(byte) 0xff, 0, 1});

        HttpResponse<String> r = send("GET", "/channel/peek?topic=peeked&channel=c&n=2", null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
        JsonNode peek = JSON.readTree(r.body());
        assertThat(peek.path("depth").asLong()).isEqualTo(4);
        assertThat(peek.path("messages")).hasSize(2);
        assertThat(peek.path("messages").get(0).path("body").asText()).isEqualTo("first");
        assertThat(peek.path("messages").get(1).path("body").asText()).isEqualTo("second");
        assertThat(peek.path("messages").get(0).path("id").asText()).matches("[0-9a-f]{16}");
        assertThat(peek.path("messages").get(0).path("attempts").asInt()).isZero();
        JsonNode all = JSON.readTree(send("GET", "/channel/peek?topic=peeked&channel=c", null).body());
        assertThat(all.path("messages").get(3).path("body_base64").asText()).isEqualTo("/wAB");

        // nothing was taken: a consumer still gets "first" first, as its first delivery
        try (V2Client consumer = V2Client.connect(tcp.port())) {
            consumer.identify("{}");
            consumer.subscribe("peeked", "c").command("RDY 1");
            Message m = consumer.readMessage();
            assertThat(new String(m.body())).isEqualTo("first");
            assertThat(m.attempts()).isEqualTo(1);
            assertThat(m.idString()).isEqualTo(peek.path("messages").get(0).path("id").asText());
        }
    }

    @Test
    void peekGoesOnFromMemoryToTheDiskBacklogInDeliveryOrder() throws Exception {
        send("POST", "/channel/create?topic=spilled&channel=c", null);
        StringBuilder bodies = new StringBuilder();
        for (int i = 0; i < 105; i++) {
            bodies.append("m").append(i).append('\n');
        }
        send("POST", "/mpub?topic=spilled", bodies.toString().getBytes()); // --mem-queue-size=100: m100..m104 on disk
        try (V2Client consumer = V2Client.connect(tcp.port())) {
            consumer.identify("{}");
            consumer.subscribe("spilled", "c").command("RDY 95");
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 95; i++) {
                Message m = consumer.readMessage();
                assertThat(new String(m.body())).isEqualTo("m" + i);
                ids.add(m.idString());
            }
            consumer.command("RDY 0"); // then finish them: nothing more is sent
            for (String id : ids) {
                consumer.command("FIN " + id);
            }
            JsonNode peek = JSON.readTree(send("GET", "/channel/peek?topic=spilled&channel=c&n=10", null).body());
            assertThat(peek.path("depth").asLong()).isEqualTo(10); // 5 in memory, 5 on disk
            assertThat(peek.path("byte_limit_reached").asBoolean()).isFalse();
            List<String> shown = new ArrayList<>();
            peek.path("messages").forEach(m -> shown.add(m.path("body").asText()));
            assertThat(shown).containsExactly("m95", "m96", "m97", "m98", "m99", "m100", "m101", "m102", "m103", "m104");
            assertThat(peek.path("messages").get(5).path("attempts").asInt()).isZero();
        }
    }

    @Test
    void peekRefusesBadArgumentsLikeNsqdsChannelEndpoints() throws Exception {
        send("POST", "/topic/create?topic=peek_errors", null);
        assertThat(send("GET", "/channel/peek?channel=c", null).body()).isEqualTo("{\"message\":\"MISSING_ARG_TOPIC\"}");
        assertThat(send("GET", "/channel/peek?topic=peek_errors", null).body()).isEqualTo("{\"message\":\"MISSING_ARG_CHANNEL\"}");
        assertThat(send("GET", "/channel/peek?topic=bad!&channel=c", null).statusCode()).isEqualTo(400);
        assertThat(send("GET", "/channel/peek?topic=nope&channel=c", null).body()).isEqualTo("{\"message\":\"TOPIC_NOT_FOUND\"}");
        assertThat(send("GET", "/channel/peek?topic=peek_errors&channel=c", null).body()).isEqualTo("{\"message\":\"CHANNEL_NOT_FOUND\"}");
        send("POST", "/channel/create?topic=peek_errors&channel=c", null);
        assertThat(send("GET", "/channel/peek?topic=peek_errors&channel=c&n=0", null).body()).isEqualTo("{\"message\":\"INVALID_ARG_N\"}");
        assertThat(send("GET", "/channel/peek?topic=peek_errors&channel=c&n=101", null).statusCode()).isEqualTo(400);
        assertThat(send("POST", "/channel/peek?topic=peek_errors&channel=c", null).statusCode()).isEqualTo(405);
    }
}
