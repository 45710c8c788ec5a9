package io.jnsq.authd;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** nsq_authd over real HTTP, answering as nsqd's auth client (internal/auth) expects. */
class NsqAuthdTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;
    Path file;
    NsqAuthd authd;

    @BeforeEach
    void start() throws Exception {
        file = dir.resolve("auth.json");
        Files.writeString(file, "{\"ttl\":30,\"identities\":[{\"identity\":\"orders\",\"identity_url\":\"https://wiki/orders\","
                + "\"secret\":\"s3cret\",\"authorizations\":[{\"topic\":\"^orders$\",\"channels\":[\".*\"],"
                + "\"permissions\":[\"subscribe\",\"publish\"]}]}]}");
        authd = new NsqAuthd(file, 3600, "127.0.0.1:0");
    }

    @AfterEach
    void stop() {
        authd.close();
    }

    private HttpResponse<String> get(String query) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + authd.port() + "/auth?" + query)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aKnownSecretIsAnsweredWithNsqdsAuthStateJson() throws Exception {
        HttpResponse<String> r = get("remote_ip=127.0.0.1&tls=false&secret=s3cret&common_name=");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(r.body()).isEqualTo("{\"ttl\":30,\"identity\":\"orders\",\"identity_url\":\"https://wiki/orders\","
                + "\"authorizations\":[{\"topic\":\"^orders$\",\"channels\":[\".*\"],\"permissions\":[\"subscribe\",\"publish\"]}]}");
    }

    @Test
    void anUnknownSecretIsForbidden() throws Exception {
        HttpResponse<String> r = get("remote_ip=127.0.0.1&tls=false&secret=guess&common_name=");
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.body()).isEqualTo("{\"message\":\"NOT_AUTHORIZED\"}");
    }

    @Test
    void anEditedFileIsReReadAndABrokenEditKeepsTheLastGoodOne() throws Exception {
        Files.writeString(file, "{\"identities\":[{\"identity\":\"new\",\"secret\":\"other\",\"authorizations\":[]}]}");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
        assertThat(get("secret=s3cret").statusCode()).isEqualTo(403);
        HttpResponse<String> granted = get("secret=other");
        assertThat(granted.statusCode()).isEqualTo(200);
        assertThat(granted.body()).isEqualTo("{\"ttl\":3600,\"identity\":\"new\",\"identity_url\":\"\",\"authorizations\":[]}");

        Files.writeString(file, "{broken");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(10)));
        assertThat(get("secret=other").statusCode()).isEqualTo(200);
    }

    @Test
    void onlyGetIsAnswered() throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + authd.port() + "/auth"))
                .POST(HttpRequest.BodyPublishers.ofString("secret=s3cret")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(405);
    }
}
