package io.jnsq.lookupd;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@code GET /metrics} of nsqlookupd: producers, topics, channels and tombstones after known registrations. */
@QuarkusTest
@TestProfile(LookupProtocolV1Test.Profile.class)
class LookupdMetricsTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    LookupdTcpServer tcp;

    @TestHTTPResource("/")
    URL base;

    private String get(String path) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base.toString().replaceAll("/$", "") + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path).isEqualTo(200);
        return r.body();
    }

    private static String send(DataOutputStream out, DataInputStream in, String line, byte[] body) throws Exception {
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        if (body != null) {
            out.writeInt(body.length);
            out.write(body);
        }
        out.flush();
        byte[] data = new byte[in.readInt()];
        in.readFully(data);
        return new String(data, StandardCharsets.UTF_8);
    }

    @Test
    void registrationsAndTombstonesShowAsGauges() throws Exception {
        try (Socket s = new Socket("127.0.0.1", tcp.port())) {
            s.setSoTimeout(5000);
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            DataInputStream in = new DataInputStream(s.getInputStream());
            out.write("  V1".getBytes(StandardCharsets.US_ASCII));
            send(out, in, "IDENTIFY", ("{\"version\":\"1.3.0\",\"tcp_port\":7150,\"http_port\":7151,\"hostname\":\"m\","
                    + "\"broadcast_address\":\"127.0.0.1\"}").getBytes(StandardCharsets.UTF_8));
            assertThat(send(out, in, "REGISTER lm_orders lm_billing", null)).isEqualTo("OK");
            assertThat(send(out, in, "REGISTER lm_orders lm_audit", null)).isEqualTo("OK");
            assertThat(send(out, in, "REGISTER lm_gone", null)).isEqualTo("OK");
            HTTP.send(HttpRequest.newBuilder(URI.create(base.toString().replaceAll("/$", "") + "/topic/tombstone?topic=lm_gone&node=127.0.0.1:7151"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());

            String metrics = get("/metrics");
            assertThat(metrics).contains("nsqlookupd_topic_producers{topic=\"lm_orders\"} 1.0\n")
                    .contains("nsqlookupd_topic_channels{topic=\"lm_orders\"} 2.0\n")
                    .contains("nsqlookupd_topic_tombstones{topic=\"lm_orders\"} 0.0\n")
                    .contains("nsqlookupd_topic_producers{topic=\"lm_gone\"} 1.0\n")
                    .contains("nsqlookupd_topic_tombstones{topic=\"lm_gone\"} 1.0\n")
                    .contains("# TYPE nsqlookupd_producers gauge\n")
                    .contains("jvm_memory_used_bytes{");
            int topics = JSON.readTree(get("/topics")).path("topics").size();
            int producers = JSON.readTree(get("/nodes")).path("producers").size();
            assertThat(metrics).contains("nsqlookupd_topics " + (double) topics + "\n")
                    .contains("nsqlookupd_producers " + (double) producers + "\n")
                    .containsPattern("nsqlookupd_tombstones [1-9][0-9]*\\.0\n")
                    .containsPattern("nsqlookupd_channels [1-9][0-9]*\\.0\n");
        }
    }
}
