package io.jnsq.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The in-flight index against a HashMap, through random puts and removes of ids as the broker makes them. */
class InFlightMessagesTest {

    @Test
    void findsWhatWasPutAndForgetsWhatWasRemoved() {
        Random random = new Random(7);
        InFlightMessages index = new InFlightMessages();
        Map<Long, Message> reference = new HashMap<>();
        long base = System.currentTimeMillis() << 20;
        for (int round = 0; round < 200_000; round++) {
            long id = base + random.nextInt(5_000); // dense, sequential ids collide in the low bits' neighbourhood
            if (random.nextInt(3) > 0) {
                Message m = new Message(id, 0, new byte[0]);
                index.put(m);
                reference.put(id, m);
            } else {
                assertThat(index.remove(id)).isSameAs(reference.remove(id));
            }
            long probe = base + random.nextInt(5_000);
            assertThat(index.get(probe)).isSameAs(reference.get(probe));
            assertThat(index.size()).isEqualTo(reference.size());
        }
        assertThat(index.values()).containsExactlyInAnyOrderElementsOf(reference.values());
        index.clear();
        assertThat(index.isEmpty()).isTrue();
        assertThat(index.get(base)).isNull();
    }
}
