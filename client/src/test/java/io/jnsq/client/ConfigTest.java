package io.jnsq.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConfigTest {

    @Test
    void setTakesGoNsqOptionNamesAndGoDurations() {
        Config c = new Config();
        c.set("max_in_flight,100");
        c.set("msg_timeout,90s");
        c.set("backoff_multiplier,250ms");
        c.set("max-attempts,7");
        c.set("deflate,true");
        c.set("deflate_level,3");
        assertThat(c.maxInFlight).isEqualTo(100);
        assertThat(c.msgTimeout).isEqualTo(Duration.ofSeconds(90));
        assertThat(c.backoffMultiplier).isEqualTo(Duration.ofMillis(250));
        assertThat(c.maxAttempts).isEqualTo(7);
        assertThat(c.deflate).isTrue();
        assertThat(c.deflateLevel).isEqualTo(3);
    }

    @Test
    void setRefusesUnknownOptionsBadValuesAndBothCompressions() {
        Config c = new Config();
        assertThatThrownBy(() -> c.set("no_such,1")).hasMessage("unknown option 'no_such'");
        assertThatThrownBy(() -> c.set("max_in_flight,lots")).hasMessage("invalid value 'lots' for option max_in_flight");
        assertThatThrownBy(() -> c.set("msg_timeout")).hasMessageContaining("want name,value");
        assertThatThrownBy(() -> c.set("msg_timeout,soon")).hasMessageContaining("invalid duration");
        c.set("snappy,true");
        assertThatThrownBy(() -> c.set("deflate,true")).hasMessage("deflate and snappy are mutually exclusive");
    }

    @Test
    void setTakesGoNsqsTlsAndAuthOptions() {
        Config c = new Config();
        c.set("tls_v1,true");
        c.set("tls_root_ca_file,/etc/nsq/ca.pem");
        c.set("tls_cert,/etc/nsq/client.pem");
        c.set("tls_key,/etc/nsq/client.key");
        c.set("tls_insecure_skip_verify,1");
        c.set("tls_min_version,tls1.2");
        c.set("auth_secret,s3cret");
        assertThat(c.tlsV1).isTrue();
        assertThat(c.tlsRootCaFile).isEqualTo("/etc/nsq/ca.pem");
        assertThat(c.tlsCert).isEqualTo("/etc/nsq/client.pem");
        assertThat(c.tlsKey).isEqualTo("/etc/nsq/client.key");
        assertThat(c.tlsInsecureSkipVerify).isTrue();
        assertThat(c.tlsMinVersion).isEqualTo("tls1.2");
        assertThat(c.authSecret).isEqualTo("s3cret");
        assertThatThrownBy(() -> c.set("tls_min_version,tls9")).hasMessage("invalid value 'tls9' for option tls_min_version");
        assertThatThrownBy(() -> c.set("tls_v1,yes")).hasMessage("invalid value 'yes' for option tls_v1");
    }
}
