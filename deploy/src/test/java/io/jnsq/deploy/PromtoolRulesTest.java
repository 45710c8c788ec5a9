package io.jnsq.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chart's alert rules, as Helm renders them into the PrometheusRule, run by Prometheus' own rule engine
 * ({@code promtool test rules}) against the synthetic series of {@code jnsq-alerts-test.yaml}: which alert fires when,
 * with which labels and annotations.
 */
class PromtoolRulesTest {

    private static final Path CHART = Manifests.DEPLOY.resolve("helm/jnsq-operator");

    /** {@code promtool} (or {@code prometheus}) on the PATH; missing: the test fails on CI, and is skipped elsewhere. */
    static Optional<Path> onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(dir, program);
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        String message = program + " is not installed (Debian: apt-get install prometheus)";
        if (System.getenv("CI") != null) {
            throw new AssertionError(message + "; CI must run these tests");
        }
        assumeTrue(false, message + ": skipped");
        return Optional.empty();
    }

    /** The rule groups of the chart's PrometheusRule (spec), rendered by Helm with the chart's defaults, as a rules file. */
    static String renderedRules() throws Exception {
        String yaml = new Helm(CHART).template().withName("jnsq-operator").withNamespace("jnsq-system")
                .set("monitoring.prometheusRule.enabled", "true").call();
        JsonNode rule = Manifests.only(Manifests.parse(yaml), "PrometheusRule");
        return new YAMLMapper().writeValueAsString(rule.path("spec"));
    }

    @Test
    void theRenderedRulesFireAsTheUnitTestsOfPromtoolExpect(@TempDir Path dir) throws Exception {
        Path promtool = onPath("promtool").orElseThrow();
        Path tests = dir.resolve("jnsq-alerts-test.yaml");
        try (var in = PromtoolRulesTest.class.getResourceAsStream("/jnsq-alerts-test.yaml")) {
            Files.write(tests, in.readAllBytes());
        }
        Files.writeString(dir.resolve("jnsq-alerts.rules.yaml"), renderedRules());

        Process p = new ProcessBuilder(promtool.toString(), "test", "rules", tests.toString())
                .directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("SUCCESS");
    }

    @Test
    void promtoolChecksTheRenderedRulesAsValid(@TempDir Path dir) throws Exception {
        Path promtool = onPath("promtool").orElseThrow();
        Path rules = Files.writeString(dir.resolve("jnsq-alerts.rules.yaml"), renderedRules());
        Process p = new ProcessBuilder(promtool.toString(), "check", "rules", rules.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("SUCCESS: 8 rules found");
    }
}
