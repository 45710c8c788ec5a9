package io.jnsq.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ListenAddressTest {

    @Test
    void splitsNsqAddressFlags() {
        assertThat(ListenAddress.host("0.0.0.0:4150")).isEqualTo("0.0.0.0");
        assertThat(ListenAddress.host(":4150")).isEqualTo("0.0.0.0");
        assertThat(ListenAddress.host("[::1]:4150")).isEqualTo("::1");
        assertThat(ListenAddress.port("--tcp-address", "127.0.0.1:4150")).isEqualTo(4150);
    }

    @Test
    void aValueWithoutAPortNamesTheFlag() {
        assertThatThrownBy(() -> ListenAddress.port("--tcp-address", "localhost"))
                .hasMessage("--tcp-address \"localhost\" is not a valid <addr>:<port>");
        assertThatThrownBy(() -> ListenAddress.port("--http-address", "h:99999")).isInstanceOf(IllegalArgumentException.class);
    }
}
