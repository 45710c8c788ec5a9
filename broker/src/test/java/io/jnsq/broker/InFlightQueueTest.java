package io.jnsq.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The in-flight queue against a plain list, through random deliveries, FIN/REQ removals, TOUCHes and expiries, on a
 * clock that moves forward as a broker's does: deliveries with a few distinct timeouts (the O(1) lists), TOUCHes
 * capped below their timeout and more timeouts than there are lists (the heap), all mixed.
 */
class InFlightQueueTest {

    @Test
    void expiredMessagesComeOutInDeadlineOrderWhateverWasRemovedOrMoved() {
        Random random = new Random(42);
        InFlightQueue queue = new InFlightQueue();
        List<Message> reference = new ArrayList<>();
        long[] timeouts = {1_000, 5_000, 60_000};
        long clock = 0;
        long id = 0;
        for (int round = 0; round < 50_000; round++) {
            clock += random.nextInt(20);
            int op = random.nextInt(20);
            if (op < 10 || reference.isEmpty()) {
                Message m = new Message(id++, 0, new byte[0]);
                // mostly the usual timeouts; now and then one of many others, so the lists run out
                long timeout = op == 0 ? 100 + random.nextInt(50) * 100 : timeouts[random.nextInt(timeouts.length)];
                m.deadline = clock + timeout;
                queue.add(m, timeout);
                reference.add(m);
            } else if (op < 14) {
                Message m = reference.remove(random.nextInt(reference.size()));
                queue.remove(m);
                assertThat(m.queueSlot).isEqualTo(-1);
                assertThat(m.prev).isNull();
                assertThat(m.next).isNull();
            } else if (op < 18) {
                Message m = reference.get(random.nextInt(reference.size()));
                long timeout = timeouts[random.nextInt(timeouts.length)];
                // a TOUCH: a new deadline from now, sometimes capped (by --max-msg-timeout) below that
                m.deadline = clock + (random.nextInt(4) == 0 ? random.nextInt((int) timeout) : timeout);
                queue.update(m, timeout);
            } else {
                long now = clock + random.nextInt(2_000);
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
    void messagesDeliveredInOrderWithOneTimeoutStayOutOfTheHeap() {
        InFlightQueue queue = new InFlightQueue();
        List<Message> delivered = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            Message m = new Message(i, 0, new byte[0]);
            m.deadline = i / 10 + 60_000; // ten at a time share a "now", as one take() delivers them
            queue.add(m, 60_000);
            delivered.add(m);
        }
        assertThat(delivered).allSatisfy(m -> assertThat(m.queueSlot).isEqualTo(-2));
        queue.remove(delivered.get(500));
        queue.remove(delivered.get(0));
        queue.remove(delivered.get(999));
        for (int i = 1; i < 10; i++) { // 0..9 were due at 60_000, and 0 was finished
            assertThat(queue.pollExpired(60_000)).isSameAs(delivered.get(i));
        }
        assertThat(queue.pollExpired(60_000)).isNull();
        assertThat(queue.size()).isEqualTo(1_000 - 3 - 9);
    }

    @Test
    void removingAMessageTwiceOrAfterClearIsHarmless() {
        InFlightQueue queue = new InFlightQueue();
        Message a = new Message(1, 0, new byte[0]);
        a.deadline = 5;
        queue.add(a, 5);
        queue.remove(a);
        queue.remove(a);
        assertThat(queue.size()).isZero();
        queue.add(a, 5);
        queue.clear();
        queue.remove(a);
        assertThat(queue.size()).isZero();
        assertThat(queue.pollExpired(Long.MAX_VALUE)).isNull();
        Message b = new Message(2, 0, new byte[0]);
        b.deadline = 3;
        queue.add(b, 3); // lists and heap are usable again after clear
        queue.add(a, 5);
        assertThat(queue.pollExpired(Long.MAX_VALUE)).isSameAs(b);
        assertThat(queue.pollExpired(Long.MAX_VALUE)).isSameAs(a);
    }
}
