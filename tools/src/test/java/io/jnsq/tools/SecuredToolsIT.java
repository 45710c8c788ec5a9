package io.jnsq.tools;

import static org.assertj.core.api.Assertions.assertThat;

import io.jnsq.authd.NsqAuthd;
import io.jnsq.testing.RealProcesses;
import io.jnsq.testing.RealProcesses.Run;
import io.jnsq.testing.RealProcesses.Server;
import io.jnsq.testing.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The utilities against a broker that requires TLS, client certificates and AUTH, configured as NSQ's utilities are:
 * go-nsq's options through {@code --producer-opt} and {@code --consumer-opt}. Runs against bin/nsqd and, when it is
 * built, the real nsqd v1.3.0.
 */
class SecuredToolsIT {

    @TempDir
    Path tmp;
    private RealProcesses bin;
    private TestCertificates certs;
    private NsqAuthd authd;

    @BeforeEach
    void start() throws Exception {
        bin = new RealProcesses(tmp);
        certs = TestCertificates.generate(tmp.resolve("certs"));
        Path auth = Files.writeString(tmp.resolve("auth.json"), """
                {"identities": [{"identity": "logs", "secret": "logs-secret",
                  "authorizations": [{"topic": "^logs$", "channels": [".*"], "permissions": ["publish", "subscribe"]}]}]}
                """);
        authd = new NsqAuthd(auth, 3600, "127.0.0.1:0");
    }

    @AfterEach
    void stop() {
        bin.close();
        authd.close();
    }

    static Stream<String> brokers() {
        List<String> b = new ArrayList<>(List.of("nsqd"));
        RealProcesses.reference("nsqd").ifPresent(b::add);
        return b.stream();
    }

    private List<String> opts(String flag) {
        return List.of(flag + "=tls_v1,true", flag + "=tls_root_ca_file," + certs.ca, flag + "=tls_cert," + certs.clientCert,
                flag + "=tls_key," + certs.clientKey, flag + "=tls_min_version,tls1.2", flag + "=auth_secret,logs-secret");
    }

    @ParameterizedTest
    @MethodSource("brokers")
    void toNsqAndNsqTailTakeTlsAndAuthAsGoNsqOptions(String binary) throws Exception {
        Server nsqd = bin.server(binary, "--data-path=" + Files.createTempDirectory(tmp, "data"),
                "--https-address=127.0.0.1:" + RealProcesses.freePort(),
                "--tls-cert=" + certs.serverCert, "--tls-key=" + certs.serverKey, "--tls-root-ca-file=" + certs.ca,
                "--tls-client-auth-policy=require-verify", "--tls-required=tcp-https",
                "--auth-http-address=127.0.0.1:" + authd.port());
        Path input = Files.writeString(tmp.resolve("in"), "one\ntwo\nthree\n");
        List<String> toNsq = new ArrayList<>(List.of("--topic=logs", "--nsqd-tcp-address=" + nsqd.tcpAddress()));
        toNsq.addAll(opts("--producer-opt"));
        Run publish = bin.run(input, "to_nsq", toNsq.toArray(String[]::new));
        assertThat(publish.exitCode()).as("to_nsq: %s", publish.errors()).isZero();

        List<String> tail = new ArrayList<>(List.of("--topic=logs", "-n", "3", "--nsqd-tcp-address=" + nsqd.tcpAddress()));
        tail.addAll(opts("--consumer-opt"));
        Run consume = bin.run(null, "nsq_tail", tail.toArray(String[]::new));
        assertThat(consume.exitCode()).as("nsq_tail: %s", consume.errors()).isZero();
        assertThat(consume.output()).isEqualTo("one\ntwo\nthree\n");

        Run refused = bin.run(input, "to_nsq", "--topic=logs", "--nsqd-tcp-address=" + nsqd.tcpAddress(),
                "--producer-opt=tls_v1,true", "--producer-opt=tls_root_ca_file," + certs.ca,
                "--producer-opt=tls_cert," + certs.clientCert, "--producer-opt=tls_key," + certs.clientKey,
                "--producer-opt=auth_secret,guess");
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.errors()).contains("E_AUTH_FAILED AUTH failed").doesNotContain("Exception");
    }
}
