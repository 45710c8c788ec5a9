package io.jnsq.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

class GoFlagsTest {

    @Command(name = "demo", mixinStandardHelpOptions = true, versionProvider = NsqVersion.class)
    static class DemoOptions implements GoFlags.Validating {
        @Option(names = "--tcp-address", defaultValue = "0.0.0.0:4150")
        String tcpAddress;
        @Option(names = "--msg-timeout", defaultValue = "60s")
        Duration msgTimeout;
        @Option(names = "--lookupd-tcp-address")
        List<String> lookupds = new ArrayList<>();
        @Option(names = "--snappy", defaultValue = "true", arity = "0..1")
        boolean snappy;
        @Option(names = "--mem-queue-size", defaultValue = "10000")
        long memQueueSize;

        @Override
        public Optional<String> validate() {
            return memQueueSize < 0 ? Optional.of("--mem-queue-size must be >= 0") : Optional.empty();
        }
    }

    @Test
    void acceptsOneDashTwoDashesAndSpaceSeparatedValues() {
        DemoOptions o = GoFlags.parse(new DemoOptions(), new String[] {
            "-tcp-address=127.0.0.1:5150", "--msg-timeout", "2m", "-lookupd-tcp-address", "a:4160",
            "--lookupd-tcp-address=b:4160", "--snappy=false"}).options();
        assertThat(o.tcpAddress).isEqualTo("127.0.0.1:5150");
        assertThat(o.msgTimeout).isEqualTo(Duration.ofMinutes(2));
        assertThat(o.lookupds).containsExactly("a:4160", "b:4160");
        assertThat(o.snappy).isFalse();
    }

    @Test
    void keepsNsqDefaultsWhenFlagsAreAbsent() {
        DemoOptions o = GoFlags.parse(new DemoOptions(), new String[0]).options();
        assertThat(o.tcpAddress).isEqualTo("0.0.0.0:4150");
        assertThat(o.msgTimeout).isEqualTo(Duration.ofSeconds(60));
        assertThat(o.snappy).isTrue();
    }

    @Test
    void unknownFlagIsAUsageErrorWithExitCode2() {
        var parsed = GoFlags.parse(new DemoOptions(), new String[] {"--no-such-flag=1"});
        assertThat(parsed.shouldRun()).isFalse();
        assertThat(parsed.exitCode()).isEqualTo(2);
    }

    @Test
    void badDurationIsAUsageErrorNamingTheValue() {
        var parsed = GoFlags.parse(new DemoOptions(), new String[] {"--msg-timeout=soon"});
        assertThat(parsed.shouldRun()).isFalse();
        assertThat(parsed.exitCode()).isEqualTo(2);
    }

    @Test
    void failedValidationIsAUsageError() {
        assertThat(GoFlags.parse(new DemoOptions(), new String[] {"--mem-queue-size=-1"}).exitCode()).isEqualTo(2);
    }

    @Test
    void helpAndVersionExitZeroWithoutRunning() {
        assertThat(GoFlags.parse(new DemoOptions(), new String[] {"--help"})).satisfies(p -> {
            assertThat(p.shouldRun()).isFalse();
            assertThat(p.exitCode()).isZero();
        });
        assertThat(GoFlags.parse(new DemoOptions(), new String[] {"--version"}).exitCode()).isZero();
        assertThat(NsqVersion.line("nsqd")).startsWith("nsqd v1.3.0 (built w/jnsq ");
    }

    @Test
    void singleLetterFlagsAndValuesAreLeftAlone() {
        assertThat(GoFlags.normalize(new String[] {"-n", "-5", "--x", "-h", "value-with-dash"}))
                .containsExactly("-n", "-5", "--x", "-h", "value-with-dash");
        assertThat(GoFlags.normalize(new String[] {"-topic=t", "--", "-raw"})).containsExactly("--topic=t", "--", "-raw");
    }
}
