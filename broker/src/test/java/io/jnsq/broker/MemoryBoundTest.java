package io.jnsq.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The memory bound's budget: topics and channels take at most a share of the heap, at their measured cost each. */
class MemoryBoundTest {

    @Test
    void theQueueThatWouldCrossTheBudgetIsRefusedAndADeletionMakesRoom() {
        long heapFor10 = (long) (10 * MemoryBound.BYTES_PER_QUEUE / MemoryBound.QUEUE_SHARE);
        MemoryBound bound = new MemoryBound(heapFor10);
        assertThat(bound.maxQueues()).isEqualTo(10);
        for (int i = 0; i < 10; i++) {
            bound.checkRoomFor("topic t" + i);
            bound.opened();
        }
        assertThatThrownBy(() -> bound.checkRoomFor("topic t10")).isInstanceOf(MemoryBound.Refused.class)
                .hasMessageContaining("10 topics and channels");
        bound.closed();
        bound.checkRoomFor("topic t10");
    }

    @Test
    void aDefaultHeapHoldsAHundredThousandTopicsWithAChannelEach() {
        // bin/nsqd gives the JVM up to half the RAM: on a 4 GB machine, 2 GB
        assertThat(new MemoryBound(2L << 30).maxQueues()).isGreaterThan(200_000);
    }
}
