package io.jnsq.broker;

import java.util.Arrays;

/**
 * The messages of one channel that are out with consumers, ordered by deadline: an indexed binary min-heap, so a
 * FIN/REQ/TOUCH can remove or move one message in O(log n) and the timeout scan pops only what has expired.
 * Not thread-safe: the owning channel's lock guards it.
 */
final class InFlightQueue {

    private static final Message[] NONE = {};

    private Message[] heap = NONE; // allocated on the first delivery: an idle channel holds no array
    private int size;

    int size() {
        return size;
    }

    void add(Message m) {
        if (size == heap.length) {
            heap = Arrays.copyOf(heap, Math.max(16, size * 2));
        }
        heap[size] = m;
        m.heapIndex = size;
        size++;
        up(m.heapIndex);
    }

    void remove(Message m) {
        int i = m.heapIndex;
        if (i < 0) {
            return;
        }
        size--;
        if (i != size) {
            heap[i] = heap[size];
            heap[i].heapIndex = i;
            heap[size] = null;
            if (!up(i)) {
                down(i);
            }
        } else {
            heap[size] = null;
        }
        m.heapIndex = -1;
    }

    /** Moves {@code m} after its deadline changed. */
    void update(Message m) {
        if (!up(m.heapIndex)) {
            down(m.heapIndex);
        }
    }

    /** Removes and returns the message with the earliest deadline if it is at or before {@code now}. */
    Message pollExpired(long now) {
        if (size == 0 || heap[0].deadline > now) {
            return null;
        }
        Message m = heap[0];
        remove(m);
        return m;
    }

    void clear() {
        for (int i = 0; i < size; i++) {
            heap[i].heapIndex = -1;
        }
        heap = NONE;
        size = 0;
    }

    private boolean up(int i) {
        boolean moved = false;
        Message m = heap[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            Message p = heap[parent];
            if (p.deadline <= m.deadline) {
                break;
            }
            heap[i] = p;
            p.heapIndex = i;
            i = parent;
            moved = true;
        }
        heap[i] = m;
        m.heapIndex = i;
        return moved;
    }

    private void down(int i) {
        Message m = heap[i];
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            int right = child + 1;
            if (right < size && heap[right].deadline < heap[child].deadline) {
                child = right;
            }
            if (m.deadline <= heap[child].deadline) {
                break;
            }
            heap[i] = heap[child];
            heap[i].heapIndex = i;
            i = child;
        }
        heap[i] = m;
        m.heapIndex = i;
    }
}
