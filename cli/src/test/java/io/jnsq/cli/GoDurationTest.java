package io.jnsq.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class GoDurationTest {

    @Test
    void parsesTheFormsNsqFlagsUse() {
        assertThat(GoDuration.parse("60s")).isEqualTo(Duration.ofSeconds(60));
        assertThat(GoDuration.parse("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(GoDuration.parse("15m")).isEqualTo(Duration.ofMinutes(15));
        assertThat(GoDuration.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(GoDuration.parse("1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(GoDuration.parse("100us")).isEqualTo(Duration.ofNanos(100_000));
        assertThat(GoDuration.parse("0")).isEqualTo(Duration.ZERO);
    }

    @Test
    void rejectsNumbersWithoutUnitsAndGarbage() {
        assertThatThrownBy(() -> GoDuration.parse("60")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invalid duration \"60\"");
        assertThatThrownBy(() -> GoDuration.parse("fast")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> GoDuration.parse("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> GoDuration.parse("5s3")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void formatsAsGoPrintsDurations() {
        assertThat(GoDuration.format(Duration.ofSeconds(60))).isEqualTo("1m0s");
        assertThat(GoDuration.format(Duration.ofMillis(250))).isEqualTo("250ms");
        assertThat(GoDuration.format(Duration.ofMinutes(90))).isEqualTo("1h30m0s");
        assertThat(GoDuration.format(Duration.ofMillis(1500))).isEqualTo("1.5s");
        assertThat(GoDuration.format(Duration.ZERO)).isEqualTo("0s");
    }
}
