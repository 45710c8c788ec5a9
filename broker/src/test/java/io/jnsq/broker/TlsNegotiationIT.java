package io.jnsq.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jnsq.authd.NsqAuthd;
import io.jnsq.client.ClientTls;
import io.jnsq.client.Config;
import io.jnsq.client.Producer;
import io.jnsq.protocol.Frame;
import io.jnsq.protocol.FrameType;
import io.jnsq.testing.RealProcesses;
import io.jnsq.testing.TestCertificates;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * TLS negotiation on the wire (the IDENTIFY answer in plain text, the handshake, OK over TLS, compression over TLS),
 * nsqd's client-auth policies, HTTPS and --tls-required, and AUTH's expiry and errors, each compared between
 * bin/nsqd and, when it is built, the real nsqd v1.3.0.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TlsNegotiationIT {

    private static final String OK_FRAME = "00000006000000004f4b";

    private Path dir;
    private RealProcesses processes;
    private TestCertificates certs;

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("tls-negotiation");
        processes = new RealProcesses(dir);
        certs = TestCertificates.generate(dir.resolve("certs"));
    }

    @AfterAll
    void stop() {
        processes.close();
    }

    Stream<String> brokers() {
        List<String> b = new ArrayList<>(List.of("nsqd"));
        RealProcesses.reference("nsqd").ifPresent(b::add);
        return b.stream();
    }

    private RealProcesses.Server nsqd(String binary, String... flags) throws Exception {
        List<String> all = new ArrayList<>(List.of("--data-path=" + Files.createTempDirectory(dir, "data"),
                "--https-address=127.0.0.1:" + RealProcesses.freePort(),
                "--tls-cert=" + certs.serverCert, "--tls-key=" + certs.serverKey));
        all.addAll(List.of(flags));
        return processes.server(binary, all.toArray(String[]::new));
    }

    /** A raw protocol V2 connection, upgraded by hand. */
    private static final class Raw implements AutoCloseable {
        Socket socket;
        DataOutputStream out;
        DataInputStream in;

        Raw(String address) throws IOException {
            int colon = address.lastIndexOf(':');
            socket = new Socket(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1)));
            socket.setSoTimeout(10_000);
            streams(socket.getInputStream(), socket.getOutputStream());
            out.write("  V2".getBytes(StandardCharsets.US_ASCII));
        }

        void streams(InputStream i, OutputStream o) {
            in = new DataInputStream(i);
            out = new DataOutputStream(o);
        }

        void command(String line, String body) throws IOException {
            out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            if (body != null) {
                byte[] b = body.getBytes(StandardCharsets.UTF_8);
                out.writeInt(b.length);
                out.write(b);
            }
            out.flush();
        }

        byte[] rawFrame() throws IOException {
            int size = in.readInt();
            byte[] frame = new byte[4 + size];
            java.nio.ByteBuffer.wrap(frame).putInt(size);
            in.readFully(frame, 4, size);
            return frame;
        }

        SSLSocket upgrade(Config config, String address) throws IOException {
            SSLSocket tls = ClientTls.of(config).upgrade(socket, "127.0.0.1", socket.getPort(), address);
            socket = tls;
            streams(tls.getInputStream(), tls.getOutputStream());
            return tls;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private Config trusting() {
        Config c = new Config();
        c.tlsV1 = true;
        c.tlsRootCaFile = certs.ca.toString();
        return c;
    }

    private static String body(byte[] frame) {
        return new String(frame, 8, frame.length - 8, StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @MethodSource("brokers")
    void identifyAnswersTlsV1InPlainTextThenOkOverTlsThenOkCompressed(String binary) throws Exception {
        RealProcesses.Server nsqd = nsqd(binary);
        try (Raw c = new Raw(nsqd.tcpAddress())) {
            c.command("IDENTIFY", "{\"client_id\":\"t\",\"hostname\":\"t\",\"feature_negotiation\":true,\"tls_v1\":true,"
                    + "\"snappy\":true,\"user_agent\":\"tlstest/1.0\"}");
            byte[] answer = c.rawFrame();
            assertThat(HexFormat.of().formatHex(answer, 4, 8)).isEqualTo("00000000");
            assertThat(body(answer)).isEqualTo("{\"max_rdy_count\":2500,\"version\":\"1.3.0\",\"max_msg_timeout\":900000,"
                    + "\"msg_timeout\":60000,\"tls_v1\":true,\"deflate\":false,\"deflate_level\":6,\"max_deflate_level\":6,"
                    + "\"snappy\":true,\"sample_rate\":0,\"auth_required\":false,\"output_buffer_size\":16384,"
                    + "\"output_buffer_timeout\":250}");
            SSLSocket tls = c.upgrade(trusting(), nsqd.tcpAddress());
            assertThat(tls.getSession().getProtocol()).isIn("TLSv1.2", "TLSv1.3");
            assertThat(HexFormat.of().formatHex(c.rawFrame())).isEqualTo(OK_FRAME);
            // then the snappy stream: its identifier chunk first, then the OK frame compressed
            byte[] streamId = new byte[10];
            c.in.readFully(streamId);
            assertThat(HexFormat.of().formatHex(streamId)).isEqualTo("ff060000734e61507059");
        }
    }

    @ParameterizedTest
    @MethodSource("brokers")
    void aClientThatDoesNotAskForTlsIsRefusedEverythingButIdentifyWhenTlsIsRequired(String binary) throws Exception {
        RealProcesses.Server nsqd = nsqd(binary, "--tls-required=tcp-https");
        try (Raw c = new Raw(nsqd.tcpAddress())) {
            c.command("IDENTIFY", "{\"feature_negotiation\":true}");
            assertThat(body(c.rawFrame())).contains("\"tls_v1\":false");
            c.command("PUB t", null); // no body: nsqd refuses before reading one (an unread body would reset the socket)
            Frame f = Frame.read(c.in, 1024);
            assertThat(f.type()).isEqualTo(FrameType.ERROR);
            assertThat(f.text()).isEqualTo("E_INVALID cannot PUB in current state (TLS required)");
            assertThat(c.in.read()).isEqualTo(-1); // fatal: closed
        }
    }

    @ParameterizedTest
    @MethodSource("brokers")
    void tlsRequiredTrueRefusesPlainHttpWithTheHttpsPortAndServesHttps(String binary) throws Exception {
        int https = RealProcesses.freePort();
        int http = RealProcesses.freePort();
        processes.run(null, binary, "--data-path=" + Files.createTempDirectory(dir, "data"),
                "--tcp-address=127.0.0.1:" + RealProcesses.freePort(), "--http-address=127.0.0.1:" + http,
                "--https-address=127.0.0.1:" + https, "--tls-cert=" + certs.serverCert, "--tls-key=" + certs.serverKey,
                "--tls-required=true");
        HttpClient trusting = HttpClient.newBuilder().sslContext(sslContext()).build();
        RealProcesses.await(() -> {
            try {
                return trusting.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + https + "/ping")).build(),
                        HttpResponse.BodyHandlers.ofString()).body().equals("OK");
            } catch (Exception e) {
                return false;
            }
        }, binary + " answers /ping over HTTPS");
        HttpResponse<String> info = trusting.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + https + "/info")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(info.statusCode()).isEqualTo(200);
        assertThat(info.body()).contains("\"version\":\"1.3.0\"");
        HttpResponse<String> plain = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + http + "/pub?topic=t")).POST(HttpRequest.BodyPublishers.ofString("x")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(plain.statusCode()).isEqualTo(403);
        assertThat(plain.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
        assertThat(plain.headers().firstValue("X-Nsq-Content-Type")).hasValue("nsq; version=1.0");
        assertThat(plain.body()).isEqualTo("{\"message\": \"TLS_REQUIRED\", \"https_port\": " + https + "}");
    }

    private javax.net.ssl.SSLContext sslContext() throws Exception {
        javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
        java.security.KeyStore store = java.security.KeyStore.getInstance(java.security.KeyStore.getDefaultType());
        store.load(null, null);
        try (InputStream in = Files.newInputStream(certs.ca)) {
            store.setCertificateEntry("ca", java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        javax.net.ssl.TrustManagerFactory f = javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        f.init(store);
        ctx.init(null, f.getTrustManagers(), null);
        return ctx;
    }

    @ParameterizedTest
    @MethodSource("brokers")
    void requireAcceptsAnyClientCertificateButNone(String binary) throws Exception {
        // a client auth policy alone makes nsqd require TLS everywhere, HTTP too; tcp-https keeps /ping on HTTP.
        // No --tls-root-ca-file: with one, the server names its CAs and a JDK client offers only certificates they issued
        RealProcesses.Server nsqd = nsqd(binary, "--tls-client-auth-policy=require", "--tls-required=tcp-https");
        Config stranger = trusting();
        stranger.tlsCert = certs.strangerCert.toString();
        stranger.tlsKey = certs.strangerKey.toString();
        try (Producer p = new Producer(nsqd.tcpAddress(), stranger)) {
            p.publish("t", "from a stranger".getBytes(StandardCharsets.UTF_8));
        }
        try (Producer p = new Producer(nsqd.tcpAddress(), trusting())) {
            assertThatThrownBy(() -> p.publish("t", "x".getBytes(StandardCharsets.UTF_8))).hasMessageContaining("certificate");
        }
    }

    @ParameterizedTest
    @MethodSource("brokers")
    void anExpiredGrantIsAskedAgainAndAnUnreachableAuthServerIsAuthFailed(String binary) throws Exception {
        Path file = dir.resolve("auth-" + binary.hashCode() + ".json");
        Files.writeString(file, "{\"ttl\":1,\"identities\":[{\"identity\":\"svc\",\"secret\":\"s\",\"authorizations\":["
                + "{\"topic\":\"^(a|b)$\",\"channels\":[\".*\"],\"permissions\":[\"publish\"]}]}]}");
        try (NsqAuthd authd = new NsqAuthd(file, 3600, "127.0.0.1:0")) {
            RealProcesses.Server nsqd = processes.server(binary, "--data-path=" + Files.createTempDirectory(dir, "data"),
                    "--auth-http-address=127.0.0.1:" + authd.port());
            try (Raw c = new Raw(nsqd.tcpAddress())) {
                c.command("IDENTIFY", "{\"feature_negotiation\":true}");
                assertThat(body(c.rawFrame())).contains("\"auth_required\":true");
                c.command("PUB a", "x");
                assertThat(Frame.read(c.in, 1024).text()).isEqualTo("E_AUTH_FIRST AUTH required before PUB");
            }
            Config config = new Config();
            config.authSecret = "s";
            try (Producer p = new Producer(nsqd.tcpAddress(), config)) {
                p.publish("a", "1".getBytes(StandardCharsets.UTF_8));
                p.publish("b", "1".getBytes(StandardCharsets.UTF_8));
                Files.writeString(file, "{\"ttl\":1,\"identities\":[{\"identity\":\"svc\",\"secret\":\"s\",\"authorizations\":["
                        + "{\"topic\":\"^a$\",\"channels\":[\".*\"],\"permissions\":[\"publish\"]}]}]}");
                Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
                Thread.sleep(1500); // the grant expires
                p.publish("a", "2".getBytes(StandardCharsets.UTF_8));
                assertThatThrownBy(() -> p.publish("b", "2".getBytes(StandardCharsets.UTF_8)))
                        .hasMessage("E_UNAUTHORIZED AUTH failed for PUB on \"b\" \"\"");
            }
            try (Producer p = new Producer(nsqd.tcpAddress(), config)) {
                p.publish("a", "3".getBytes(StandardCharsets.UTF_8));
                authd.close();
                Thread.sleep(1500);
                assertThatThrownBy(() -> p.publish("a", "4".getBytes(StandardCharsets.UTF_8)))
                        .hasMessage("E_AUTH_FAILED AUTH failed");
            }
        }
    }

    @org.junit.jupiter.api.Test
    void unusableCertificateFilesAreOneClearLineAndExitTwo() throws Exception {
        Path notPem = Files.writeString(dir.resolve("not-a-cert.pem"), "hello\n");
        for (String[] flags : List.of(
                new String[] {"--tls-cert=" + notPem, "--tls-key=" + certs.serverKey},
                new String[] {"--tls-cert=" + certs.serverCert, "--tls-key=" + notPem},
                new String[] {"--tls-cert=" + certs.serverCert, "--tls-key=" + certs.serverKey, "--tls-root-ca-file=" + notPem},
                new String[] {"--tls-cert=" + certs.serverCert},
                new String[] {"--tls-required=true"})) {
            List<String> all = new ArrayList<>(List.of("--data-path=" + Files.createTempDirectory(dir, "data")));
            all.addAll(List.of(flags));
            RealProcesses.Run run = processes.run(null, "nsqd", all.toArray(String[]::new));
            assertThat(run.exitCode()).as("%s", List.of(flags)).isEqualTo(2);
            assertThat(run.errors()).startsWith("nsqd: ").doesNotContain("Exception").doesNotContain("\tat ");
        }
    }
}
