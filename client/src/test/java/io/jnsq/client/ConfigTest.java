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
}
