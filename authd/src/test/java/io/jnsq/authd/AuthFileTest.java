package io.jnsq.authd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuthFileTest {

    @TempDir
    Path dir;

    private AuthFile file(String json) throws Exception {
        Path f = dir.resolve("auth.json");
        Files.writeString(f, json);
        return AuthFile.read(f, 3600);
    }

    private static String identity(String extra) {
        return "{\"identities\":[{\"identity\":\"orders\"," + extra + "\"authorizations\":[{\"topic\":\"^orders$\","
                + "\"channels\":[\".*\"],\"permissions\":[\"publish\",\"subscribe\"]}]}]}";
    }

    @Test
    void aSecretGrantsItsIdentityWithTheFileTtlOrItsOwn() throws Exception {
        AuthFile f = file("{\"ttl\":60,\"identities\":[{\"identity\":\"a\",\"secret\":\"s1\",\"authorizations\":[]},"
                + "{\"identity\":\"b\",\"secret\":\"s2\",\"ttl\":5,\"authorizations\":[]}]}");
        assertThat(f.decide("s1", false, "")).isEqualTo(new AuthFile.Decision.Granted(f.identities.get(0), 60));
        assertThat(f.decide("s2", false, "")).isEqualTo(new AuthFile.Decision.Granted(f.identities.get(1), 5));
        assertThat(f.decide("nope", false, "")).isEqualTo(new AuthFile.Decision.Refused("unknown secret"));
    }

    @Test
    void aHashedSecretMatchesTheSecretItHashes() throws Exception {
        String hash = HexFormat.of().formatHex(AuthFile.sha256("hunter2"));
        AuthFile f = file(identity("\"secret_sha256\":\"" + hash.toUpperCase() + "\","));
        assertThat(f.decide("hunter2", false, "")).isInstanceOf(AuthFile.Decision.Granted.class);
        assertThat(f.decide("hunter3", false, "")).isInstanceOf(AuthFile.Decision.Refused.class);
    }

    @Test
    void tlsAndCommonNameConditionsRefuseConnectionsThatDoNotMeetThem() throws Exception {
        AuthFile f = file(identity("\"secret\":\"s\",\"tls_required\":true,\"common_name\":\"orders-client\","));
        assertThat(f.decide("s", false, "orders-client"))
                .isEqualTo(new AuthFile.Decision.Refused("orders must connect over TLS"));
        assertThat(f.decide("s", true, "someone"))
                .isEqualTo(new AuthFile.Decision.Refused("orders must present a certificate for orders-client"));
        assertThat(f.decide("s", true, "orders-client")).isInstanceOf(AuthFile.Decision.Granted.class);
    }

    @Test
    void aBadFileIsRefusedWithTheReason() {
        assertThatThrownBy(() -> file("{\"identities\":[{\"identity\":\"x\",\"secret\":\"s\",\"authorizations\":[{\"topic\":\".*\","
                + "\"channels\":[\".*\"],\"permissions\":[\"delete\"]}]}]}"))
                .hasMessageEndingWith("identities[0]: unknown permission \"delete\" (publish or subscribe)");
        assertThatThrownBy(() -> file("{\"identities\":[{\"identity\":\"x\",\"secret\":\"s\",\"authorizations\":[{\"topic\":\"(\","
                + "\"channels\":[\".*\"],\"permissions\":[\"publish\"]}]}]}"))
                .hasMessageContaining("identities[0]: bad regular expression");
        assertThatThrownBy(() -> file(identity("\"secret\":\"s\",\"secret_sha256\":\"" + "0".repeat(64) + "\",")))
                .hasMessageEndingWith("give exactly one of \"secret\" and \"secret_sha256\"");
        assertThatThrownBy(() -> file("{\"ttl\":0," + identity("\"secret\":\"s\",").substring(1)))
                .hasMessageEndingWith("ttl must be > 0 (nsqd refuses any other)");
        assertThatThrownBy(() -> file("{\"identities\":[{\"identity\":\"x\",\"secret\":\"s\",\"authorisations\":[]}]}"))
                .hasMessageContaining("authorisations");
        assertThatThrownBy(() -> file("not json")).hasMessageContaining("auth.json");
    }
}
