package io.jnsq.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The pacer in a real JVM with the launchers' collector: the old generation stays near what is live. */
class HeapPacerProcessTest {

    /** The JDK bin/lib/jvm.sh runs the daemons with on this kind of machine, else this test's own. */
    private static final String JAVA = Stream.of("/usr/lib/jvm/temurin-25-jdk-amd64", "/usr/lib/jvm/temurin-25-jdk")
            .map(home -> Path.of(home, "bin", "java")).filter(Files::isExecutable).map(Path::toString).findFirst()
            .orElse(ProcessHandle.current().info().command().orElse("java"));

    @Test
    void underASteadyPromotionTheOldGenerationStaysNearTwiceWhatIsLive() throws Exception {
        // 16 MB live: a full collection once the old generation passes the floor (96 MB)
        assertThat(oldGenerationPeakMb("paced")).isBetween(16L, 200L);
    }

    @Test
    void withoutThePacerTheSerialCollectorOfJdk25LetsTheOldGenerationGrowToTheWholeHeap() throws Exception {
        assumeTrue(JAVA.contains("temurin-25"), "the launchers' JDK 25 is not on this machine");
        // the load the pacer is for: JDK 25's serial collector grows the old generation rather than collect it,
        // until the heap can grow no further (512 MB here); JDK 17's collected it at ~30 MB
        assertThat(oldGenerationPeakMb("unpaced")).isGreaterThan(300L);
    }

    private static long oldGenerationPeakMb(String mode) throws Exception {
        Process p = new ProcessBuilder(JAVA, "-XX:+UseSerialGC", "-Xms16m", "-Xmx512m", "-XX:NewSize=8m", "-XX:MaxNewSize=8m",
                "-cp", System.getProperty("java.class.path"), PromotingLoad.class.getName(), mode)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("child JVM finished").isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(p.exitValue()).as("child JVM exit (%s)", out).isZero();
        return Long.parseLong(out.lines().reduce((a, b) -> b).orElseThrow());
    }
}
