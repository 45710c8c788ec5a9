package io.jnsq.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DestinationsTest {

    private static List<String> picks(Destinations d, int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(d.next());
        }
        return out;
    }

    @Test
    void roundRobinTakesEachInTurnEvenAfterFailures() {
        Destinations d = new Destinations(List.of("a", "b", "c"), Destinations.mode("round-robin"));
        d.mark("b", false);
        assertThat(picks(d, 6)).containsExactly("a", "b", "c", "a", "b", "c");
    }

    @Test
    void hostPoolSkipsAFailedDestinationUntilItSucceedsAgain() {
        Destinations d = new Destinations(List.of("a", "b", "c"), Destinations.mode("hostpool"));
        d.mark("b", false);
        assertThat(picks(d, 4)).containsExactly("a", "c", "c", "a");
        d.mark("b", true);
        assertThat(picks(d, 3)).containsExactly("b", "c", "a");
    }

    @Test
    void hostPoolFallsBackToAllWhenEveryDestinationFailed() {
        Destinations d = new Destinations(List.of("a", "b"), Destinations.mode("epsilon-greedy"));
        d.mark("a", false);
        d.mark("b", false);
        assertThat(picks(d, 2)).containsExactly("a", "b");
    }

    @Test
    void unknownModesAreRefused() {
        assertThatThrownBy(() -> Destinations.mode("random")).hasMessageContaining("--mode must be");
    }
}
