package io.jnsq.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HeapPacerTest {

    private static final long MB = 1L << 20;

    private long live = 10 * MB;
    private long threshold = -1;
    private int collections;
    private final List<Runnable> waiting = new ArrayList<>();

    private final HeapPacer pacer = new HeapPacer(() -> live, -1, t -> threshold = t, () -> {
        collections++;
        live = 150 * MB; // what this full collection left
    });

    @Test
    void aSmallHeapIsCollectedOnlyPastTheFloor() {
        pacer.arm();
        assertThat(threshold).isEqualTo(HeapPacer.FLOOR);
    }

    @Test
    void anOldGenerationThatCannotReachTheThresholdIsLeftToTheJvm() {
        HeapPacer small = new HeapPacer(() -> live, 64 * MB, t -> threshold = t, () -> collections++);
        small.arm();
        assertThat(threshold).isZero(); // no notification: the JVM collects a full old generation itself
        HeapPacer bounded = new HeapPacer(() -> 100 * MB, 150 * MB, t -> threshold = t, () -> collections++);
        bounded.arm();
        assertThat(threshold).isZero();
        HeapPacer roomy = new HeapPacer(() -> 100 * MB, 4096 * MB, t -> threshold = t, () -> collections++);
        roomy.arm();
        assertThat(threshold).isEqualTo(200 * MB);
    }

    @Test
    void theOldGenerationMayGrowToTwiceWhatWasLive() {
        live = 300 * MB;
        pacer.arm();
        assertThat(threshold).isEqualTo(600 * MB);
    }

    @Test
    void passingTheThresholdCollectsOnceAndRearmsFromWhatIsLiveAfterward() {
        pacer.arm();
        pacer.thresholdPassed(waiting::add);
        assertThat(collections).isZero(); // not on the JVM's notification thread
        waiting.remove(0).run();
        assertThat(collections).isEqualTo(1);
        assertThat(threshold).isEqualTo(300 * MB);
    }

    @Test
    void aSecondNoticeWhileACollectionIsPendingIsDropped() {
        pacer.thresholdPassed(waiting::add);
        pacer.thresholdPassed(waiting::add);
        assertThat(waiting).hasSize(1);
        waiting.remove(0).run();
        pacer.thresholdPassed(waiting::add); // the next one after it counts again
        assertThat(waiting).hasSize(1);
    }

    @Test
    void aFailedCollectionStillRearms() {
        HeapPacer failing = new HeapPacer(() -> live, -1, t -> threshold = t, () -> {
            throw new IllegalStateException("no collection");
        });
        failing.thresholdPassed(waiting::add);
        try {
            waiting.remove(0).run();
        } catch (IllegalStateException expected) {
            // the collector's failure is the JVM's to report
        }
        assertThat(threshold).isEqualTo(HeapPacer.FLOOR);
        failing.thresholdPassed(waiting::add);
        assertThat(waiting).hasSize(1);
    }
}
