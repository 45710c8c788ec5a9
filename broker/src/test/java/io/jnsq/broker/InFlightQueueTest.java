package io.jnsq.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The in-flight heap against a plain sorted list, through random adds, removes, deadline moves and expiries. */
class InFlightQueueTest {

    @Test
    void expiredMessagesComeOutInDeadlineOrderWhateverWasRemovedOrMoved() {
        Random random = new Random(42);
        InFlightQueue queue = new InFlightQueue();
        List<Message> reference = new ArrayList<>();
        long id = 0;
        for (int round = 0; round < 20_000; round++) {
            int op = random.nextInt(10);
            if (op < 5 || reference.isEmpty()) {
                Message m = new Message(id++, 0, new byte[0]);
                m.deadline = random.nextInt(1_000_000);
                queue.add(m);
                reference.add(m);
            } else if (op < 7) {
                Message m = reference.remove(random.nextInt(reference.size()));
                queue.remove(m);
                assertThat(m.heapIndex).isEqualTo(-1);
            } else if (op < 9) {
                Message m = reference.get(random.nextInt(reference.size()));
                m.deadline = random.nextInt(1_000_000);
                queue.update(m);
            } else {
                long now = random.nextInt(1_000_000);
                Message m;
                while ((m = queue.pollExpired(now)) != null) {
                    assertThat(m.deadline).isLessThanOrEqualTo(now);
                    assertThat(reference.remove(m)).isTrue();
                }
                assertThat(reference).allSatisfy(r -> assertThat(r.deadline).isGreaterThan(now));
            }
            assertThat(queue.size()).isEqualTo(reference.size());
        }
        reference.sort(Comparator.comparingLong(m -> m.deadline));
        long last = Long.MIN_VALUE;
        Message m;
        int drained = 0;
        while ((m = queue.pollExpired(Long.MAX_VALUE)) != null) {
            assertThat(m.deadline).isGreaterThanOrEqualTo(last);
            last = m.deadline;
            drained++;
        }
        assertThat(drained).isEqualTo(reference.size());
    }

    @Test
    void removingAMessageTwiceOrAfterClearIsHarmless() {
        InFlightQueue queue = new InFlightQueue();
        Message a = new Message(1, 0, new byte[0]);
        a.deadline = 5;
        queue.add(a);
        queue.remove(a);
        queue.remove(a);
        assertThat(queue.size()).isZero();
        queue.add(a);
        queue.clear();
        queue.remove(a);
        assertThat(queue.pollExpired(Long.MAX_VALUE)).isNull();
    }
}
