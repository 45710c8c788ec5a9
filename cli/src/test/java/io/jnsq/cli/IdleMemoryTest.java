package io.jnsq.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class IdleMemoryTest {

    private static final long MB = 1L << 20;
    private static final long S = TimeUnit.SECONDS.toNanos(1);

    private long collections;
    private long committed = 200 * MB;
    private long used = 10 * MB;
    private int releases;

    private final IdleMemory idle = new IdleMemory(() -> collections, () -> committed, () -> used, () -> {
        releases++;
        collections++; // the full collection it asked for
        committed = 20 * MB;
    });

    @Test
    void aDaemonThatWentQuietAfterWorkIsCollectedOnce() {
        idle.check(0);
        collections += 5; // busy
        idle.check(2 * S);
        idle.check(11 * S);
        assertThat(releases).isZero(); // quiet for 9 s only
        idle.check(12 * S);
        assertThat(releases).isEqualTo(1);
        committed = 200 * MB; // nothing new happened: no second collection, however long it stays quiet
        for (long t = 14; t < 120; t += 2) {
            idle.check(t * S);
        }
        assertThat(releases).isEqualTo(1);
    }

    @Test
    void aBusyDaemonIsLeftAlone() {
        for (long t = 0; t < 120; t += 2) {
            collections++;
            idle.check(t * S);
        }
        assertThat(releases).isZero();
    }

    @Test
    void aSmallHeapIsNotWorthACollection() {
        committed = 24 * MB;
        idle.check(0);
        collections++;
        for (long t = 2; t < 60; t += 2) {
            idle.check(t * S);
        }
        assertThat(releases).isZero();
    }

    @Test
    void aHeapThatIsMostlyLiveIsCollectedAgainOnlyOnceItHasGrown() {
        used = 150 * MB; // a big in-memory queue stays after the release
        idle.check(0);
        collections++;
        idle.check(2 * S);
        idle.check(12 * S);
        assertThat(releases).isEqualTo(1);
        committed = 300 * MB; // a trickle of work: busy, then quiet, heap twice what was live
        collections++;
        idle.check(14 * S);
        idle.check(30 * S);
        assertThat(releases).isEqualTo(1);
        committed = 600 * MB; // a real load grew it past GROWTH times the live size
        collections++;
        idle.check(32 * S);
        idle.check(50 * S);
        assertThat(releases).isEqualTo(2);
    }
}
