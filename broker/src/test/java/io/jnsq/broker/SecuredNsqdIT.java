package io.jnsq.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jnsq.authd.NsqAuthd;
import io.jnsq.client.Config;
import io.jnsq.client.Consumer;
import io.jnsq.client.NsqException;
import io.jnsq.client.Producer;
import io.jnsq.testing.RealProcesses;
import io.jnsq.testing.TestCertificates;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A broker that requires TLS with verified client certificates and AUTH against nsq_authd, used by the jnsq client
 * as an application would. Every scenario runs against bin/nsqd and, when it is built, the real nsqd v1.3.0, so the
 * client, the auth server and our broker are each checked against NSQ's own counterpart.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecuredNsqdIT {

    private Path dir;
    private RealProcesses processes;
    private TestCertificates certs;
    private NsqAuthd authd;
    private final List<RealProcesses.Server> brokers = new ArrayList<>();

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("secured-nsqd");
        processes = new RealProcesses(dir);
        certs = TestCertificates.generate(dir.resolve("certs"));
        Path auth = dir.resolve("auth.json");
        Files.writeString(auth, """
                {"ttl": 3600, "identities": [
                  {"identity": "orders-service", "identity_url": "https://wiki.example/orders", "secret": "orders-secret",
                   "authorizations": [{"topic": "^orders$", "channels": [".*"], "permissions": ["publish", "subscribe"]}]},
                  {"identity": "nobody", "secret": "empty-secret", "authorizations": []}]}
                """);
        authd = new NsqAuthd(auth, 3600, "127.0.0.1:0");
    }

    @AfterAll
    void stop() {
        processes.close();
        authd.close();
    }

    /** bin/nsqd, and the real nsqd when it is there. */
    Stream<String> brokers() {
        List<String> b = new ArrayList<>(List.of("nsqd"));
        RealProcesses.reference("nsqd").ifPresent(b::add);
        return b.stream();
    }

    private RealProcesses.Server secured(String binary, String... more) throws Exception {
        List<String> flags = new ArrayList<>(List.of(
                "--data-path=" + Files.createTempDirectory(dir, "data"),
                "--https-address=127.0.0.1:" + RealProcesses.freePort(),
                "--tls-cert=" + certs.serverCert, "--tls-key=" + certs.serverKey,
                "--tls-root-ca-file=" + certs.ca,
                "--tls-client-auth-policy=require-verify", "--tls-required=tcp-https",
                "--auth-http-address=127.0.0.1:" + authd.port()));
        flags.addAll(List.of(more));
        return processes.server(binary, flags.toArray(String[]::new));
    }

    private Config client(String secret) {
        Config c = new Config();
        c.tlsV1 = true;
        c.tlsRootCaFile = certs.ca.toString();
        c.tlsCert = certs.clientCert.toString();
        c.tlsKey = certs.clientKey.toString();
        c.authSecret = secret;
        return c;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @MethodSource("brokers")
    void anAuthorizedClientPublishesAndConsumesOverTlsWithEitherCompression(String binary) throws Exception {
        RealProcesses.Server nsqd = secured(binary);
        Config snappy = client("orders-secret");
        snappy.snappy = true;
        try (Producer p = new Producer(nsqd.tcpAddress(), snappy)) {
            p.publish("orders", utf8("order 1"));
            p.publish("orders", List.of(utf8("order 2"), utf8("order 3")));
        }
        Config deflate = client("orders-secret");
        deflate.deflate = true;
        BlockingQueue<String> got = new LinkedBlockingQueue<>();
        try (Consumer c = new Consumer("orders", "archive", deflate,
                d -> got.add(new String(d.message().body(), StandardCharsets.UTF_8)))) {
            c.connectToNsqds(List.of(nsqd.tcpAddress()));
            for (String want : List.of("order 1", "order 2", "order 3")) {
                assertThat(got.poll(30, TimeUnit.SECONDS)).isEqualTo(want);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("brokers")
    void authRefusalsUseNsqdsErrors(String binary) throws Exception {
        RealProcesses.Server nsqd = secured(binary);
        try (Producer p = new Producer(nsqd.tcpAddress(), client("orders-secret"))) {
            assertThatThrownBy(() -> p.publish("payments", utf8("x")))
                    .hasMessage("E_UNAUTHORIZED AUTH failed for PUB on \"payments\" \"\"");
        }
        try (Producer p = new Producer(nsqd.tcpAddress(), client("wrong-secret"))) {
            assertThatThrownBy(() -> p.publish("orders", utf8("x"))).hasMessage("E_AUTH_FAILED AUTH failed");
        }
        try (Producer p = new Producer(nsqd.tcpAddress(), client("empty-secret"))) {
            assertThatThrownBy(() -> p.publish("orders", utf8("x"))).hasMessage("E_UNAUTHORIZED AUTH no authorizations found");
        }
        try (Producer p = new Producer(nsqd.tcpAddress(), client(""))) {
            assertThatThrownBy(() -> p.publish("orders", utf8("x")))
                    .hasMessage("nsqd at " + nsqd.tcpAddress() + " requires AUTH: set auth_secret");
        }
    }

    @ParameterizedTest
    @MethodSource("brokers")
    void withoutTlsNothingButIdentifyIsAccepted(String binary) throws Exception {
        RealProcesses.Server nsqd = secured(binary);
        Config plain = client("orders-secret");
        plain.tlsV1 = false;
        try (Producer p = new Producer(nsqd.tcpAddress(), plain)) {
            assertThatThrownBy(() -> p.publish("orders", utf8("x")))
                    .hasMessage("E_INVALID cannot AUTH in current state (TLS required)");
        }
    }

    @ParameterizedTest
    @MethodSource("brokers")
    void badCertificatesAreClearErrorsNotHangs(String binary) throws Exception {
        RealProcesses.Server nsqd = secured(binary);
        Config untrusting = client("orders-secret");
        untrusting.tlsRootCaFile = ""; // the JVM's CAs do not know ours
        try (Producer p = new Producer(nsqd.tcpAddress(), untrusting)) {
            assertThatThrownBy(() -> p.publish("orders", utf8("x"))).isInstanceOf(NsqException.class)
                    .hasMessageStartingWith("TLS handshake with nsqd at " + nsqd.tcpAddress() + " failed: ")
                    .hasMessageContaining("PKIX path building failed");
        }
        Config stranger = client("orders-secret");
        stranger.tlsCert = certs.strangerCert.toString();
        stranger.tlsKey = certs.strangerKey.toString();
        try (Producer p = new Producer(nsqd.tcpAddress(), stranger)) {
            // the JDK offers no certificate the server's CAs did not issue, so the alert says that, or "bad"
            assertThatThrownBy(() -> p.publish("orders", utf8("x"))).isInstanceOf(NsqException.class)
                    .hasMessageMatching(".*(bad_certificate|certificate_required).*");
        }
        Config anonymous = client("orders-secret");
        anonymous.tlsCert = "";
        anonymous.tlsKey = "";
        try (Producer p = new Producer(nsqd.tcpAddress(), anonymous)) {
            assertThatThrownBy(() -> p.publish("orders", utf8("x"))).isInstanceOf(NsqException.class)
                    .hasMessageContaining("certificate");
        }
    }

    @ParameterizedTest
    @MethodSource("brokers")
    void nsqJPublishesOverTlsWithAClientCertificateAndAuth(String binary) throws Exception {
        RealProcesses.Server nsqd = secured(binary);
        com.sproutsocial.nsq.Client nsqj = new com.sproutsocial.nsq.Client();
        nsqj.setSSLSocketFactory(io.jnsq.client.ClientTls.of(client("")).context().getSocketFactory());
        nsqj.setAuthSecret("orders-secret");
        com.sproutsocial.nsq.Config tls = new com.sproutsocial.nsq.Config();
        tls.setTlsV1(true);
        com.sproutsocial.nsq.Publisher publisher = new com.sproutsocial.nsq.Publisher(nsqj, nsqd.tcpAddress(), null);
        publisher.setConfig(tls);
        try {
            publisher.publish("orders", utf8("from nsq-j"));
            publisher.publish("orders", List.of(utf8("batch 1"), utf8("batch 2")));
        } finally {
            nsqj.stop();
        }
        assertThat(RealProcesses.get(nsqd.http(), "/stats?format=json&topic=orders")).contains("\"depth\":3");
    }

    @ParameterizedTest
    @MethodSource("brokers")
    void statsShowEachClientsTlsAndIdentity(String binary) throws Exception {
        RealProcesses.Server nsqd = secured(binary);
        try (Consumer c = new Consumer("orders", "stats", client("orders-secret"), d -> { })) {
            c.connectToNsqds(List.of(nsqd.tcpAddress()));
            com.fasterxml.jackson.databind.JsonNode client = new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(RealProcesses.get(nsqd.http(), "/stats?format=json&topic=orders"))
                    .at("/topics/0/channels/0/clients/0");
            assertThat(client.path("tls").asBoolean()).isTrue();
            assertThat(client.path("tls_version").asText()).isEqualTo("TLS1.3");
            // nsqd v1.3.0 has no names for TLS 1.3's suites: "Unknown 4865" (TLS_AES_128_GCM_SHA256) and so on
            assertThat(client.path("tls_cipher_suite").asText()).isIn("Unknown 4865", "Unknown 4866", "Unknown 4867");
            assertThat(client.path("authed").asBoolean()).isTrue();
            assertThat(client.path("auth_identity").asText()).isEqualTo("orders-service");
            assertThat(client.path("auth_identity_url").asText()).isEqualTo("https://wiki.example/orders");
        }
    }
}
