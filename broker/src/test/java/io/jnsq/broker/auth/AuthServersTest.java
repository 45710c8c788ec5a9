package io.jnsq.broker.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jnsq.authd.NsqAuthd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** nsqd's auth queries against nsq_authd over real HTTP. */
class AuthServersTest {

    @TempDir
    Path dir;
    NsqAuthd authd;

    @BeforeEach
    void start() throws Exception {
        Path file = Files.writeString(dir.resolve("auth.json"), """
                {"ttl": 60, "identities": [{"identity": "svc", "identity_url": "https://id/svc", "secret": "s", "common_name": "client",
                  "authorizations": [{"topic": "^t$", "channels": [".*"], "permissions": ["publish"]}]}]}
                """);
        authd = new NsqAuthd(file, 3600, "127.0.0.1:0");
    }

    @AfterEach
    void stop() {
        authd.close();
    }

    private AuthServers servers(String... addresses) {
        return new AuthServers(List.of(addresses), Duration.ofSeconds(2), Duration.ofSeconds(5), "");
    }

    @Test
    void aGrantBecomesTheConnectionsAuthState() throws Exception {
        AuthState s = servers("127.0.0.1:" + authd.port()).query("127.0.0.1", true, "client", "s").get(10, TimeUnit.SECONDS);
        assertThat(s.identity()).isEqualTo("svc");
        assertThat(s.identityUrl()).isEqualTo("https://id/svc");
        assertThat(s.permissionCount()).isEqualTo(1);
        assertThat(s.isAllowed("t", "")).isTrue();
    }

    @Test
    void aFullUrlIsUsedAsGiven() throws Exception {
        AuthState s = servers("http://127.0.0.1:" + authd.port() + "/auth").query("", true, "client", "s").get(10, TimeUnit.SECONDS);
        assertThat(s.identity()).isEqualTo("svc");
    }

    @Test
    void theNextServerIsAskedWhenOneFailsAndEveryFailureIsReported() throws Exception {
        int closed = io.jnsq.testing.RealProcesses.freePort();
        AuthServers both = servers("127.0.0.1:" + closed, "127.0.0.1:" + authd.port());
        for (int i = 0; i < 4; i++) { // whichever is asked first
            assertThat(both.query("", true, "client", "s").get(10, TimeUnit.SECONDS).identity()).isEqualTo("svc");
        }
        assertThatThrownBy(() -> both.query("", true, "someone-else", "s").get(10, TimeUnit.SECONDS))
                .hasMessageContaining("failed to auth against 127.0.0.1:" + authd.port() + " - got response 403")
                .hasMessageContaining("failed to auth against 127.0.0.1:" + closed + " - ");
    }
}
