package io.jnsq.lookupd;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** nsqlookupd's V1 protocol and HTTP API as an nsqd and a consumer see them, against the v1.3.0 captures. */
@QuarkusTest
@TestProfile(LookupProtocolV1Test.Profile.class)
class LookupProtocolV1Test {

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("jnsq.lookupd.args", "--tcp-address=127.0.0.1:0 --http-address=127.0.0.1:0 "
                    + "--broadcast-address=127.0.0.1 --tombstone-lifetime=2s");
        }
    }

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Inject
    LookupdTcpServer tcp;

    @TestHTTPResource("/")
    URL base;

    /** A raw V1 peer: magic, commands, [size][data] answers. */
    private final class Peer implements AutoCloseable {
        final Socket s = new Socket("127.0.0.1", tcp.port());
        final DataOutputStream out = new DataOutputStream(s.getOutputStream());
        final DataInputStream in = new DataInputStream(s.getInputStream());

        Peer() throws IOException {
            s.setSoTimeout(5000);
            out.write("  V1".getBytes(StandardCharsets.US_ASCII));
        }

        String send(String line) throws IOException {
            out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            return read();
        }

        String identify(int tcpPort, int httpPort) throws IOException {
            byte[] body = ("{\"version\":\"1.3.0\",\"tcp_port\":" + tcpPort + ",\"http_port\":" + httpPort
                    + ",\"hostname\":\"h\",\"broadcast_address\":\"127.0.0.1\"}").getBytes(StandardCharsets.UTF_8);
            out.write("IDENTIFY\n".getBytes(StandardCharsets.US_ASCII));
            out.writeInt(body.length);
            out.write(body);
            out.flush();
            return read();
        }

        String read() throws IOException {
            byte[] data = new byte[in.readInt()];
            in.readFully(data);
            return new String(data, StandardCharsets.UTF_8);
        }

        boolean closedByServer() throws IOException {
            try {
                return in.read() < 0;
            } catch (IOException e) {
                return true;
            }
        }

        @Override
        public void close() throws IOException {
            s.close();
        }
    }

    private HttpResponse<String> http(String method, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base.toString().replaceAll("/$", "") + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void identifyAnswersLookupdsInfoAndRegistrationsShowInLookup() throws Exception {
        try (Peer p = new Peer()) {
            String identity = p.identify(5150, 5151);
            assertThat(identity).matches("\\{\"broadcast_address\":\"127.0.0.1\",\"hostname\":\"[^\"]+\",\"http_port\":"
                    + base.getPort() + ",\"tcp_port\":" + tcp.port() + ",\"version\":\"1.3.0\"}");
            assertThat(p.send("REGISTER lk_topic lk_channel")).isEqualTo("OK");
            assertThat(p.send("PING")).isEqualTo("OK");
            String lookup = http("GET", "/lookup?topic=lk_topic").body();
            assertThat(lookup).startsWith("{\"channels\":[\"lk_channel\"],\"producers\":[{\"remote_address\":\"127.0.0.1:")
                    .endsWith("\",\"hostname\":\"h\",\"broadcast_address\":\"127.0.0.1\",\"tcp_port\":5150,\"http_port\":5151,\"version\":\"1.3.0\"}]}");
            assertThat(http("GET", "/topics").body()).contains("\"lk_topic\"");
            assertThat(http("GET", "/channels?topic=lk_topic").body()).isEqualTo("{\"channels\":[\"lk_channel\"]}");
            assertThat(http("GET", "/nodes").body()).contains("\"tcp_port\":5150,\"http_port\":5151,\"version\":\"1.3.0\",\"tombstones\":[false],\"topics\":[\"lk_topic\"]");

            assertThat(p.send("UNREGISTER lk_topic lk_channel")).isEqualTo("OK");
            assertThat(http("GET", "/channels?topic=lk_topic").body()).isEqualTo("{\"channels\":[\"lk_channel\"]}");
        }
        // the connection is gone: so are its registrations (the topic key stays, without producers)
        Thread.sleep(300);
        assertThat(http("GET", "/lookup?topic=lk_topic").body()).isEqualTo("{\"channels\":[\"lk_channel\"],\"producers\":[]}");
    }

    @Test
    void tombstoneHidesTheProducerForTheLifetime() throws Exception {
        try (Peer p = new Peer()) {
            p.identify(6150, 6151);
            p.send("REGISTER tomb");
            assertThat(http("POST", "/topic/tombstone?topic=tomb&node=127.0.0.1:6151").statusCode()).isEqualTo(200);
            assertThat(http("GET", "/lookup?topic=tomb").body()).contains("\"producers\":[]");
            assertThat(http("GET", "/nodes").body()).contains("\"tombstones\":[true],\"topics\":[\"tomb\"]");
            long deadline = System.currentTimeMillis() + 5000;
            while (http("GET", "/lookup?topic=tomb").body().contains("\"producers\":[]") && System.currentTimeMillis() < deadline) {
                Thread.sleep(100);
            }
            assertThat(http("GET", "/lookup?topic=tomb").body()).contains("\"tcp_port\":6150");
        }
    }

    @Test
    void errorsAreNsqlookupdsAndCloseTheConnection() throws Exception {
        try (Peer p = new Peer()) {
            assertThat(p.send("REGISTER t")).isEqualTo("E_INVALID client must IDENTIFY");
            assertThat(p.closedByServer()).isTrue();
        }
        try (Peer p = new Peer()) {
            p.identify(1, 2);
            assertThat(p.send("REGISTER bad!topic")).isEqualTo("E_BAD_TOPIC REGISTER topic name 'bad!topic' is not valid");
            assertThat(p.closedByServer()).isTrue();
        }
        try (Peer p = new Peer()) {
            p.identify(1, 2);
            assertThat(p.send("REGISTER t bad!chan")).isEqualTo("E_BAD_CHANNEL REGISTER channel name 'bad!chan' is not valid");
        }
        try (Peer p = new Peer()) {
            assertThat(p.send("HELLO")).isEqualTo("E_INVALID invalid command HELLO");
        }
        try (Peer p = new Peer()) {
            p.out.write("IDENTIFY\n\0\0\0\4{{{{".getBytes(StandardCharsets.ISO_8859_1));
            p.out.flush();
            assertThat(p.read()).isEqualTo("E_BAD_BODY IDENTIFY failed to decode JSON body");
        }
        try (Peer p = new Peer()) {
            p.out.write("IDENTIFY\n\0\0\0\2{}".getBytes(StandardCharsets.ISO_8859_1));
            p.out.flush();
            assertThat(p.read()).isEqualTo("E_BAD_BODY IDENTIFY missing fields");
        }
        try (Socket s = new Socket("127.0.0.1", tcp.port())) {
            s.getOutputStream().write("GARBAGE\n".getBytes(StandardCharsets.US_ASCII));
            DataInputStream in = new DataInputStream(s.getInputStream());
            byte[] data = new byte[in.readInt()];
            in.readFully(data);
            assertThat(new String(data)).isEqualTo("E_BAD_PROTOCOL");
        }
        assertThat(http("GET", "/ping").body()).isEqualTo("OK");
    }

    @Test
    void httpErrorsAndActionsMatchNsqlookupd() throws Exception {
        assertThat(http("GET", "/lookup").body()).isEqualTo("{\"message\":\"MISSING_ARG_TOPIC\"}");
        HttpResponse<String> missing = http("GET", "/lookup?topic=never");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).isEqualTo("{\"message\":\"TOPIC_NOT_FOUND\"}");
        assertThat(missing.headers().firstValue("X-Nsq-Content-Type")).hasValue("nsq; version=1.0");
        assertThat(http("GET", "/info").body()).isEqualTo("{\"version\":\"1.3.0\"}");
        assertThat(http("GET", "/nope").body()).isEqualTo("{\"message\":\"NOT_FOUND\"}");
        HttpResponse<String> wrong = http("GET", "/topic/create?topic=x");
        assertThat(wrong.statusCode()).isEqualTo(405);
        assertThat(wrong.headers().firstValue("Allow")).hasValue("OPTIONS, POST");

        assertThat(http("POST", "/topic/create?topic=made").statusCode()).isEqualTo(200);
        assertThat(http("POST", "/topic/create?topic=bad!").body()).isEqualTo("{\"message\":\"INVALID_ARG_TOPIC\"}");
        assertThat(http("POST", "/channel/create?topic=made&channel=c1").statusCode()).isEqualTo(200);
        assertThat(http("GET", "/lookup?topic=made").body()).isEqualTo("{\"channels\":[\"c1\"],\"producers\":[]}");
        assertThat(http("POST", "/channel/delete?topic=made&channel=nope").body()).isEqualTo("{\"message\":\"CHANNEL_NOT_FOUND\"}");
        assertThat(http("POST", "/channel/delete?topic=made&channel=c1").statusCode()).isEqualTo(200);
        assertThat(http("POST", "/topic/delete?topic=made").statusCode()).isEqualTo(200);
        assertThat(http("GET", "/lookup?topic=made").statusCode()).isEqualTo(404);
        assertThat(http("POST", "/topic/tombstone?topic=made").body()).isEqualTo("{\"message\":\"MISSING_ARG_NODE\"}");
    }
}
