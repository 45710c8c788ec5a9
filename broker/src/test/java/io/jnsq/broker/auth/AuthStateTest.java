package io.jnsq.broker.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class AuthStateTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static AuthState state(String json) throws Exception {
        return AuthState.parse(JSON.readTree(json), 0);
    }

    @Test
    void patternsMatchAnywhereInTheNameAsGoRegexpMatchStringDoes() throws Exception {
        AuthState s = state("{\"ttl\":60,\"identity\":\"i\",\"authorizations\":[{\"topic\":\"orders\",\"channels\":[\"^arch\"],"
                + "\"permissions\":[\"subscribe\",\"publish\"]}]}");
        assertThat(s.isAllowed("orders", "")).isFalse(); // as in nsqd, a publish must also match a channel pattern: "" does not match ^arch
        assertThat(s.isAllowed("old-orders-2", "archive")).isTrue();
        assertThat(s.isAllowed("orders", "tail")).isFalse();
        assertThat(s.isAllowed("payments", "archive")).isFalse();
    }

    @Test
    void publishAndSubscribeAreSeparatePermissions() throws Exception {
        AuthState s = state("{\"ttl\":60,\"authorizations\":[{\"topic\":\"^logs$\",\"channels\":[\".*\"],\"permissions\":[\"subscribe\"]}]}");
        assertThat(s.isAllowed("logs", "tail")).isTrue();
        assertThat(s.isAllowed("logs", "")).isFalse();
    }

    @Test
    void expiresAfterItsTtl() throws Exception {
        AuthState s = state("{\"ttl\":2,\"authorizations\":[]}");
        assertThat(s.isExpired(1_999_999_999L)).isFalse();
        assertThat(s.isExpired(2_000_000_001L)).isTrue();
        assertThat(s.hasAuthorizations()).isFalse();
    }

    @Test
    void answersNsqdWouldRefuseAreRefusedWithItsWords() {
        assertThatThrownBy(() -> state("{\"ttl\":0,\"authorizations\":[]}")).hasMessage("invalid TTL 0 (must be >0)");
        assertThatThrownBy(() -> state("{\"ttl\":5,\"authorizations\":[{\"topic\":\".*\",\"channels\":[],\"permissions\":[\"admin\"]}]}"))
                .hasMessage("unknown permission admin");
        assertThatThrownBy(() -> state("{\"ttl\":5,\"authorizations\":[{\"topic\":\"(\",\"channels\":[],\"permissions\":[]}]}"))
                .hasMessageStartingWith("unable to compile topic \"(\"");
    }
}
